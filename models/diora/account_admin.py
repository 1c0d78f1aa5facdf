"""Finding accounts for administrators (``GET /admin/users/search``), in SQL: every status and type,
with the reference's parameters (``query``, ``type``, ``status``) and the client's (``q``,
``accountType``, ``verified``, ``suspended``, ``sort``)."""
from sqlalchemy import func, or_, select

from models.diora.tables.users import User
from models.diora.user_search import ESCAPE, _like
from models.paging import page_query

SORTS = {"recent": (User.created_at.desc(), User.id.desc()), "oldest": (User.created_at, User.id),
         "username": (User.username, User.id), "followers": (User.followers_count.desc(), User.id)}


def search_accounts(session, *, query=None, type=None, status=None, verified=None, sort="recent", page=1, limit=20):
    stmt = select(User)
    if query and query.strip():
        pattern = _like(query.strip())
        stmt = stmt.where(or_(func.lower(User.username).like(pattern, escape=ESCAPE),
                              func.lower(User.full_name).like(pattern, escape=ESCAPE),
                              func.lower(User.email).like(pattern, escape=ESCAPE)))
    if type:
        stmt = stmt.where(User.type == type)
    if status:
        stmt = stmt.where(User.status == status)
    if verified is not None:
        stmt = stmt.where(User.is_verified.is_(verified))
    return page_query(session, stmt.order_by(*SORTS[sort or "recent"]), page=page, limit=limit)
