"""Posts: creating, the feed, one user's posts and likes, the like toggle, trending, hiding.

Visibility: administrators see everything; everyone else sees neither hidden posts nor the posts of
banned accounts or of accounts whose suspension is still running.

Trending rank, kept in ``posts.trend_score`` (indexed) and rewritten under the post's row lock with
every like, unlike and comment::

    trend_score = log2(1 + stars + 2 · comments) + days(created_at − 2020-01-01) / 2

Ordering by it equals ordering by the engagement ``1 + stars + 2 · comments`` decayed by half every two
days of age (a post twice as engaging as one two days younger ranks equal with it). Ties: the newer
post, then the id. The list is read from the index, so its cost does not grow with the table.
"""
import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from models.base import as_utc, utcnow
from models.diora import messages, notifications, standing, users
from models.diora.tables.post import Post, PostLike
from models.diora.tables.users import User
from models.errors import Forbidden, NotFound
from models.ids import is_object_id
from models.paging import Page, Paged, count_rows

POST_NOT_FOUND = "Post not found"
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
DECAY_DAYS = 2.0
TRENDING_DEFAULT = 9


def trend_score(stars, comments, created_at):
    age = (as_utc(created_at) - EPOCH).total_seconds() / 86400.0
    return math.log2(1 + max(0, stars) + 2 * max(0, comments)) + age / DECAY_DAYS


def post_not_found():
    return NotFound(POST_NOT_FOUND)


def owner_visible(now=None):
    """SQL: the owner (``User``) is active, or suspended until a time now past."""
    now = now or utcnow()
    return or_(User.status == "active", and_(User.status == "suspended", User.suspended_until <= now))


def visible(stmt, *, viewer_is_admin):
    """``stmt`` (joined to the owner) narrowed to what a non-administrator may see."""
    if viewer_is_admin:
        return stmt
    return stmt.where(Post.is_hidden.is_(False), owner_visible())


def _with_owner():
    return select(Post, User).join(User, User.id == Post.user_id)


@dataclass
class Shown:
    """Posts with their owners and whether the viewer liked each (``liked`` is a set of post ids)."""

    rows: list       # [(post, owner)]
    liked: set


def shown(session, rows, viewer_id):
    ids = [post.id for post, _owner in rows]
    liked = set()
    if ids and viewer_id:
        liked = set(session.scalars(select(PostLike.post_id).where(PostLike.user_id == viewer_id,
                                                                   PostLike.post_id.in_(ids))))
    return Shown(list(rows), liked)


def create_post(session, *, user_id, caption, image):
    """A post with ``image`` (``(url, storage id)``); the owner's ``posts`` counter goes up by one."""
    owner = users.get_user(session, user_id, lock=True)
    now = utcnow()
    post = Post(user_id=user_id, image_url=image[0], image_id=image[1], caption=(caption or "").strip(), stars=0,
                comments_count=0, reports=0, is_hidden=False, trend_score=trend_score(0, 0, now), created_at=now)
    session.add(post)
    owner.posts_count += 1
    session.flush()
    return shown(session, [(post, owner)], user_id)


def get_post(session, post_id, *, viewer_id, viewer_is_admin, lock=False):
    """The post a viewer may see (404 otherwise), with its owner."""
    if not is_object_id(post_id):
        raise post_not_found()
    stmt = visible(_with_owner().where(Post.id == post_id), viewer_is_admin=viewer_is_admin)
    if lock:
        stmt = stmt.with_for_update(of=Post)
    row = session.execute(stmt).first()
    if row is None:
        raise post_not_found()
    return row


def show_post(session, post_id, *, viewer_id, viewer_is_admin):
    return shown(session, [tuple(get_post(session, post_id, viewer_id=viewer_id,
                                           viewer_is_admin=viewer_is_admin))], viewer_id)


def feed(session, *, viewer_id, viewer_is_admin, page=1, limit=20):
    """Every visible post, newest first, one page: ``(Shown, Page)``."""
    stmt = visible(_with_owner(), viewer_is_admin=viewer_is_admin).order_by(Post.created_at.desc(), Post.id.desc())
    return _paged(session, stmt, viewer_id, page, limit, count_key=("diora-feed", viewer_is_admin))


def posts_of(session, *, owner_id, viewer_id, viewer_is_admin, page=1, limit=20):
    """``owner_id``'s visible posts, newest first (404 ``USER_001`` for an unknown or hidden account)."""
    owner = users.get_user(session, owner_id)
    if not standing.is_visible(owner, viewer_is_admin=viewer_is_admin):
        raise users.user_not_found()
    stmt = (visible(_with_owner(), viewer_is_admin=viewer_is_admin).where(Post.user_id == owner_id)
            .order_by(Post.created_at.desc(), Post.id.desc()))
    return _paged(session, stmt, viewer_id, page, limit)


def liked_by(session, *, user_id, viewer_id, viewer_is_admin, page=1, limit=20):
    """The visible posts ``user_id`` liked, most recent like first, each with ``likedAt``:
    ``(Shown, Page, {post id: liked at})``."""
    users.get_user(session, user_id)
    stmt = (visible(select(Post, User, PostLike.created_at).join(User, User.id == Post.user_id)
                    .join(PostLike, and_(PostLike.post_id == Post.id, PostLike.user_id == user_id)),
                    viewer_is_admin=viewer_is_admin)
            .order_by(PostLike.created_at.desc(), Post.id.desc()))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.execute(stmt.limit(limit).offset((page - 1) * limit)).all()
    page_info = Page(items=[], total=total, page=page, limit=limit)
    return shown(session, [(p, u) for p, u, _at in rows], viewer_id), page_info, {p.id: at for p, _u, at in rows}


def _paged(session, stmt, viewer_id, page, limit, count_key=None):
    """One page of ``stmt``'s rows. The total is exact up to ``models.paging.ESTIMATE_FROM`` rows and
    the planner's estimate beyond (PostgreSQL), so that a page of a large feed does not count it all."""
    total = count_rows(session, Paged(stmt), key=count_key)
    rows = session.execute(stmt.limit(limit).offset((page - 1) * limit)).all()
    return shown(session, [tuple(r) for r in rows], viewer_id), Page(items=[], total=total, page=page, limit=limit)


def trending(session, *, viewer_id, viewer_is_admin, limit=TRENDING_DEFAULT):
    """The visible posts of others with the highest ``trend_score`` (see the module docstring)."""
    stmt = (visible(_with_owner(), viewer_is_admin=viewer_is_admin).where(Post.user_id != viewer_id)
            .order_by(Post.trend_score.desc(), Post.id.desc()).limit(limit))
    return shown(session, [tuple(r) for r in session.execute(stmt).all()], viewer_id)


def toggle_like(session, *, post_id, user_id, viewer_is_admin=False):
    """Like the post, or take the like back. Returns ``(liked, post, liked post ids, notifications)``.

    The post row is locked first, so one user's concurrent toggles run one after the other and the
    counter moves exactly once per change; the (user, post) pair is unique besides."""
    post, _owner = get_post(session, post_id, viewer_id=user_id, viewer_is_admin=viewer_is_admin, lock=True)
    existing = session.get(PostLike, (user_id, post_id))
    notes = []
    if existing is not None:
        session.delete(existing)
        session.flush()
        _count(session, post, stars=-1)
        notes.append(notifications.withdraw_like(session, post_id=post_id, owner_id=post.user_id, liker_id=user_id))
        liked = False
    else:
        try:
            with session.begin_nested():
                session.add(PostLike(user_id=user_id, post_id=post_id, created_at=utcnow()))
                session.flush()
        except IntegrityError:  # only without the row lock (cannot happen under it): keep the count exact
            return True, post, users.liked_post_ids(session, user_id), []
        _count(session, post, stars=1)
        notes.append(notifications.notify_like(session, post_id=post_id, owner_id=post.user_id, liker_id=user_id,
                                               image_url=post.image_url))
        liked = True
    return liked, post, users.liked_post_ids(session, user_id), [n for n in notes if n is not None]


def count_comment(session, post, delta):
    _count(session, post, comments=delta)


def _count(session, post, *, stars=0, comments=0):
    """Move the post's counters (never below zero) and its trending rank, under its row lock."""
    post.stars = max(0, post.stars + stars)
    post.comments_count = max(0, post.comments_count + comments)
    post.trend_score = trend_score(post.stars, post.comments_count, post.created_at)
    session.flush()


def liked_post_ids(session, user_id):
    return list(session.scalars(select(PostLike.post_id).where(PostLike.user_id == user_id)
                                .order_by(PostLike.created_at.desc(), PostLike.post_id)))


def hide_post(session, post_id, hidden):
    """Hide (``hidden=True``) or show a post for moderation; returns it (404 when there is none).
    Hidden posts disappear from every list and lookup for everyone but administrators."""
    if not is_object_id(post_id):
        raise post_not_found()
    post = session.scalars(select(Post).where(Post.id == post_id).with_for_update()).first()
    if post is None:
        raise post_not_found()
    post.is_hidden = bool(hidden)
    session.flush()
    return post


def delete_post(session, *, post_id, user_id, viewer_is_admin=False):
    """Remove a post (its owner, or an administrator); the owner's ``posts`` counter goes down."""
    post, owner = get_post(session, post_id, viewer_id=user_id, viewer_is_admin=viewer_is_admin, lock=True)
    if post.user_id != user_id and not viewer_is_admin:
        raise Forbidden("You can only delete your own posts", code="AUTH_002")
    session.execute(update(User).where(User.id == post.user_id, User.posts_count > 0)
                    .values(posts_count=User.posts_count - 1).execution_options(synchronize_session=False))
    session.execute(delete(Post).where(Post.id == post.id).execution_options(synchronize_session=False))
    return post


def shared_posts(session, ids):
    """``{id: summary}`` of the posts (not hidden) among ``ids``: what a message sharing a post shows
    (registered with the messaging area; one query)."""
    rows = session.execute(select(Post.id, Post.image_url, Post.caption, Post.stars, Post.user_id, User.username,
                                  User.avatar).join(User, User.id == Post.user_id)
                           .where(Post.id.in_(list(ids)), Post.is_hidden.is_(False))).all()
    return {row.id: {"_id": row.id, "imageUrl": row.image_url, "caption": row.caption, "stars": row.stars,
                     "user": {"_id": row.user_id, "username": row.username, "avatar": row.avatar}} for row in rows}


messages.register_shared("post", shared_posts)
