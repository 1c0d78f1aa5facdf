"""The administrators' dashboard: platform statistics and the health check, counted in the database.

Tables of areas that may not be installed yet (posts, comments, products, orders) are counted when
they are on the metadata and reported as 0 otherwise, so the figures fill in as areas land.
"""
import datetime as dt
import os
import resource
import time

from sqlalchemy import func, select, text

from models.base import utcnow
from models.diora import DioraBase
from models.diora.tables.promotions import PromotionRequest
from models.diora.tables.users import User

MONTH = dt.timedelta(days=30)  # "this month" is the last 30 days, as the original counted
HOUR = dt.timedelta(hours=1)
STARTED = time.monotonic()


def _table(name):
    return DioraBase.metadata.tables.get(name)


def _count(session, name, since=None):
    table = _table(name)
    if table is None:
        return 0
    stmt = select(func.count()).select_from(table)
    if since is not None and "created_at" in table.c:
        stmt = stmt.where(table.c.created_at >= since)
    return session.scalar(stmt) or 0


def statistics(session, *, now=None):
    now = now or utcnow()
    month = now - MONTH
    by_type = dict(session.execute(select(User.type, func.count()).group_by(User.type)).all())
    new_by_type = dict(session.execute(select(User.type, func.count()).where(User.created_at >= month)
                                       .group_by(User.type)).all())
    requests = dict(session.execute(select(PromotionRequest.status, func.count())
                                    .group_by(PromotionRequest.status)).all())
    new_posts, new_products = _count(session, "posts", month), _count(session, "products", month)
    return {
        "users": {"total": by_type.get("user", 0), "shops": by_type.get("shop", 0), "admins": by_type.get("admin", 0),
                  "all": sum(by_type.values()), "newThisMonth": sum(new_by_type.values())},
        "content": {"posts": _count(session, "posts"), "products": _count(session, "products"),
                    "comments": _count(session, "comments"), "newPostsThisMonth": new_posts,
                    "newProductsThisMonth": new_products},
        "promotionRequests": {"pending": requests.get("pending", 0), "approved": requests.get("approved", 0),
                              "rejected": requests.get("rejected", 0), "total": sum(requests.values())},
        "orders": {"total": _count(session, "orders"), "thisMonth": _count(session, "orders", month)},
        "growth": {"newUsersThisMonth": new_by_type.get("user", 0), "newShopsThisMonth": new_by_type.get("shop", 0),
                   "newPostsThisMonth": new_posts, "newProductsThisMonth": new_products},
    }


def health(session, *, redis_status, now=None):
    """The reference's fields (``database``, ``redis``, ``uptime``, ``memory``, ``lastBackup``) and the
    original's (``status``, ``timestamp``, ``collections``, ``activity``, ``uptimeSeconds``). A database
    that does not answer raises, which the platform turns into 503."""
    now = now or utcnow()
    session.execute(text("SELECT 1"))
    hour = now - HOUR
    seconds = int(time.monotonic() - STARTED)
    return {
        "status": "healthy", "timestamp": now,
        "database": "connected",
        "redis": redis_status,
        "collections": {"users": _count(session, "users"), "posts": _count(session, "posts"),
                        "products": _count(session, "products"),
                        "promotionRequests": _count(session, "promotion_requests")},
        "activity": {"newUsersLastHour": _count(session, "users", hour),
                     "newPostsLastHour": _count(session, "posts", hour),
                     "newProductsLastHour": _count(session, "products", hour)},
        "uptime": f"{seconds // 3600}h {seconds % 3600 // 60}m", "uptimeSeconds": seconds,
        "memory": memory(), "lastBackup": None,
    }


def memory():
    """This process's peak resident memory and the machine's total, as ``"512MB"`` / ``"2GB"`` texts."""
    used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = None
    return {"used": _size(used), "total": _size(total) if total else None}


def _size(amount):
    megabytes = amount / (1024 * 1024)
    return f"{megabytes / 1024:.0f}GB" if megabytes >= 10240 else f"{megabytes:.0f}MB"
