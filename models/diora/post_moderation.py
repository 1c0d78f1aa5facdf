"""Administrators finding posts to moderate (``GET /admin/posts/search``), in SQL: every post, hidden ones
included, with its author. Hiding and showing is the feed's own ``models.diora.post.hide_post``."""
from sqlalchemy import func, select

from models.diora.tables.post import Post
from models.diora.tables.users import User
from models.diora.user_search import ESCAPE, _like
from models.paging import page_query


def search_posts(session, *, query=None, reported=None, hidden=None, user_id=None, page=1, limit=20):
    """Posts whose caption holds ``query`` (case-insensitive, literal); ``reported``: only reported ones
    (or only unreported); ``hidden`` and ``user_id`` likewise. Most reported first, then newest.
    Returns ``(page, {author id: author})``."""
    stmt = select(Post)
    if query and query.strip():
        stmt = stmt.where(func.lower(Post.caption).like(_like(query.strip()), escape=ESCAPE))
    if reported is not None:
        stmt = stmt.where(Post.reports > 0 if reported else Post.reports == 0)
    if hidden is not None:
        stmt = stmt.where(Post.is_hidden.is_(hidden))
    if user_id:
        stmt = stmt.where(Post.user_id == user_id)
    found = page_query(session, stmt.order_by(Post.reports.desc(), Post.created_at.desc(), Post.id),
                       page=page, limit=limit)
    ids = {p.user_id for p in found.items}
    authors = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return found, authors
