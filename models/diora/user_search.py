"""Finding accounts by name, type, location, shop category and rating (``/userSearch``), in SQL.

Matching is case-insensitive and literal (``%`` and ``_`` in a query are plain characters). Only active
accounts are found; administrators are never listed. Results: best match first (an exact username, then
a username starting with the query, then the rest), then more followers, then the id.
"""
from sqlalchemy import Float, and_, case, cast, func, or_, select

from models.diora.tables.users import User
from models.paging import page_query

ESCAPE = "\\"


def _like(text):
    escaped = text.lower().replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def _matching(stmt, query):
    if not query:
        return stmt.order_by(User.followers_count.desc(), User.id)
    needle = query.strip().lower()
    pattern = _like(needle)
    stmt = stmt.where(or_(func.lower(User.username).like(pattern, escape=ESCAPE),
                          func.lower(User.full_name).like(pattern, escape=ESCAPE)))
    rank = case((User.username == needle, 0),
                (func.lower(User.username).like(_like(needle)[1:], escape=ESCAPE), 1), else_=2)
    return stmt.order_by(rank, User.followers_count.desc(), User.id)


def average_rating():
    """A shop's average review rating (0 without reviews), as an SQL expression."""
    return case((User.shop_review_count > 0, cast(User.shop_rating_sum, Float) / User.shop_review_count), else_=0.0)


def search_users(session, *, query=None, type=None, location=None, page=1, limit=20):
    """Active users and shops (``type`` narrows to one) whose username or full name holds ``query``
    and whose location holds ``location``."""
    stmt = select(User).where(User.status == "active", User.type.in_((type,) if type else ("user", "shop")))
    if location:
        stmt = stmt.where(func.lower(User.location).like(_like(location.strip()), escape=ESCAPE))
    return page_query(session, _matching(stmt, query), page=page, limit=limit)


def search_shops(session, *, query=None, category=None, rating=None, page=1, limit=20):
    """Active shops matching ``query``, listing ``category`` (exact, any case) and averaging at least
    ``rating`` stars."""
    stmt = select(User).where(User.status == "active", User.type == "shop")
    if category:
        key = category.replace("|", "").strip().lower()
        stmt = stmt.where(User.shop_categories.like(_like(f"|{key}|"), escape=ESCAPE))
    if rating is not None:
        stmt = stmt.where(and_(User.shop_review_count > 0, average_rating() >= rating))
    return page_query(session, _matching(stmt, query), page=page, limit=limit)
