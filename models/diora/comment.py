"""Comments and replies on posts: writing them (with their notifications), a post's comments paged,
and deleting (the author, the post's owner, or an administrator)."""
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from models.base import utcnow
from models.diora import notifications, post as posts
from models.diora.tables.comment import Comment
from models.diora.tables.users import User
from models.errors import Forbidden, NotFound
from models.ids import is_object_id
from models.paging import Page

COMMENT_NOT_FOUND = "Parent comment not found"


@dataclass
class Thread:
    """Top-level comments with their authors, and each one's replies (oldest first) with theirs."""

    rows: list        # [(comment, author)]
    replies: dict     # comment id -> [(reply, author)]


def create_comment(session, *, post_id, user_id, text, viewer_is_admin=False):
    """A comment on a visible post; the post owner's aggregated comment notification. Returns
    ``(comment, author, notifications)``."""
    post, _owner = posts.get_post(session, post_id, viewer_id=user_id, viewer_is_admin=viewer_is_admin, lock=True)
    comment = _add(session, post, user_id, text)
    note = notifications.notify_comment(session, post_id=post.id, owner_id=post.user_id, commenter_id=user_id,
                                        comment_id=comment.id, image_url=post.image_url)
    return comment, session.get(User, user_id), [n for n in (note,) if n is not None]


def reply(session, *, comment_id, user_id, text, post_id=None, viewer_is_admin=False):
    """A reply to ``comment_id`` (a reply to a reply answers the same thread: its top-level comment);
    the parent's author gets "New Reply"."""
    parent = session.get(Comment, comment_id) if is_object_id(comment_id) else None
    if parent is None or (post_id and post_id != parent.post_id):
        raise NotFound(COMMENT_NOT_FOUND)
    post, _owner = posts.get_post(session, parent.post_id, viewer_id=user_id, viewer_is_admin=viewer_is_admin,
                                  lock=True)
    comment = _add(session, post, user_id, text, parent_id=parent.parent_id or parent.id)
    note = notifications.notify_reply(session, post_id=post.id, parent_author_id=parent.user_id,
                                      replier_id=user_id, comment_id=comment.id)
    return comment, session.get(User, user_id), [n for n in (note,) if n is not None]


def _add(session, post, user_id, text, parent_id=None):
    comment = Comment(post_id=post.id, user_id=user_id, parent_id=parent_id, text=text.strip(), created_at=utcnow())
    session.add(comment)
    session.flush()
    posts.count_comment(session, post, 1)
    return comment


def comments_of(session, *, post_id, viewer_id, viewer_is_admin, page=1, limit=10):
    """A visible post's top-level comments, newest first, one page, with all their replies (two
    queries for the page however many comments it holds)."""
    posts.get_post(session, post_id, viewer_id=viewer_id, viewer_is_admin=viewer_is_admin)
    where = (Comment.post_id == post_id, Comment.parent_id.is_(None))
    total = session.scalar(select(func.count()).select_from(Comment).where(*where)) or 0
    rows = session.execute(select(Comment, User).join(User, User.id == Comment.user_id).where(*where)
                           .order_by(Comment.created_at.desc(), Comment.id.desc())
                           .limit(limit).offset((page - 1) * limit)).all()
    replies = {comment.id: [] for comment, _author in rows}
    if replies:
        for reply_row, author in session.execute(
                select(Comment, User).join(User, User.id == Comment.user_id)
                .where(Comment.parent_id.in_(list(replies))).order_by(Comment.created_at, Comment.id)).all():
            replies[reply_row.parent_id].append((reply_row, author))
    return Thread([tuple(r) for r in rows], replies), Page(items=[], total=total, page=page, limit=limit)


def delete_comment(session, *, comment_id, user_id, viewer_is_admin=False):
    """Delete a comment and its replies: its author, the post's owner or an administrator may."""
    comment = session.get(Comment, comment_id) if is_object_id(comment_id) else None
    if comment is None:
        raise NotFound("Comment not found")
    post, _owner = posts.get_post(session, comment.post_id, viewer_id=user_id, viewer_is_admin=True, lock=True)
    if user_id not in (comment.user_id, post.user_id) and not viewer_is_admin:
        raise Forbidden("Not authorized to delete this comment", code="AUTH_002")
    gone = [comment] + list(session.scalars(select(Comment).where(Comment.parent_id == comment.id)))
    authors = {c.user_id for c in gone}
    session.execute(delete(Comment).where(Comment.parent_id == comment.id).execution_options(synchronize_session=False))
    session.execute(delete(Comment).where(Comment.id == comment.id).execution_options(synchronize_session=False))
    for row in gone:
        session.expunge(row)
    posts.count_comment(session, post, -len(gone))
    for author in authors:
        still = session.scalar(select(func.count()).select_from(Comment).where(
            Comment.post_id == post.id, Comment.user_id == author))
        if not still:
            notifications.withdraw_comment(session, post_id=post.id, owner_id=post.user_id, commenter_id=author)
    return len(gone)
