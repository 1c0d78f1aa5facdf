"""Makers for the social areas' tests (posts, likes, comments, reports), through the real model code."""
import datetime as dt

from models.diora import comment as comments, database, post as posts
from models.diora.tables.post import Post
from models.diora.tables.report import Report


def make_post(user, *, caption="Fit check", created_at=None, hidden=False, likes=(), image="images/a.png"):
    """A committed post by ``user`` (``likes``: users who like it)."""
    with database.unit_of_work() as uow:
        shown = posts.create_post(uow.session, user_id=user.id, caption=caption,
                                  image=(f"http://localhost/api/uploads/{image}", image))
        post = shown.rows[0][0]
        if created_at is not None:
            post.created_at = created_at
            post.trend_score = posts.trend_score(0, 0, created_at)
        post.is_hidden = hidden
        uow.commit()
        post_id = post.id
    for liker in likes:
        like(liker, post_id)
    return load(post_id)


def like(user, post_id):
    with database.unit_of_work() as uow:
        posts.toggle_like(uow.session, post_id=post_id, user_id=user.id, viewer_is_admin=True)
        uow.commit()


def make_comment(user, post, text="Nice", parent=None):
    with database.unit_of_work() as uow:
        if parent is None:
            comment, _author, _notes = comments.create_comment(uow.session, post_id=post.id, user_id=user.id,
                                                               text=text, viewer_is_admin=True)
        else:
            comment, _author, _notes = comments.reply(uow.session, comment_id=parent.id, user_id=user.id, text=text,
                                                      viewer_is_admin=True)
        uow.commit()
    return comment


def load(post_id):
    with database.reading() as session:
        return session.get(Post, post_id)


def make_report(reporter, *, item_type, item_id, reason="spam", status="pending", created_at=None, priority="medium"):
    with database.unit_of_work() as uow:
        report = Report(reporter_id=reporter.id, item_type=item_type, item_id=item_id, reason=reason,
                        description="Bad", status=status, priority=priority, action_taken="none", evidence_urls=[])
        if created_at is not None:
            report.created_at = created_at
        uow.session.add(report)
        uow.commit()
    return report


def ago(**delta):
    return dt.datetime.now(dt.timezone.utc) - dt.timedelta(**delta)
