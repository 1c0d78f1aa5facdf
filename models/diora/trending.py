"""Trending accounts, scored in SQL with a time decay.

``score = Σ_recent 1 / (1 + d / 7) + 0.05 · followers + 0.2 · posts``

where the sum runs over the follows the account received in the last 30 days and ``d`` is each follow's
age in days: a follow from today counts 1, one from a week ago 0.5, one from four weeks ago 0.2; the
standing audience and output add a little. Ties go to more followers, then to the newer account, then
to the id, so a list is the same on every call and both databases. :func:`days_since` is the portable
age expression other areas' trending lists can use too.
"""
import datetime as dt

from sqlalchemy import Float, and_, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from models.base import utcnow
from models.diora.tables.users import Follow, User

RECENT_DAYS = 30
HALF_LIFE_DAYS = 7.0  # the age at which a follow counts half


class days_since(ColumnElement):
    """Days (a float) from the timestamp ``column`` to the bound ``now``."""

    inherit_cache = True
    type = Float()
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("now", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, now):
        self.column = column
        self.now = now


@compiles(days_since, "sqlite")
def _days_since_sqlite(element, compiler, **kw):
    return (f"(julianday({compiler.process(element.now, **kw)}) - "
            f"julianday({compiler.process(element.column, **kw)}))")


@compiles(days_since)
def _days_since_default(element, compiler, **kw):
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(element.now, **kw)} - "
            f"{compiler.process(element.column, **kw)})) / 86400.0)")


def trending_users(session, *, viewer_id, limit=10, now=None):
    """Active regular users by score, the viewer left out: ``[(user, score)]``."""
    now = now or utcnow()
    at = literal(now, type_=User.created_at.type)
    recent = (select(Follow.followed_id.label("user_id"),
                     func.sum(1.0 / (1.0 + days_since(Follow.created_at, at) / HALF_LIFE_DAYS)).label("heat"))
              .where(Follow.created_at >= now - dt.timedelta(days=RECENT_DAYS))
              .group_by(Follow.followed_id).subquery())
    score = (func.coalesce(recent.c.heat, 0.0) + 0.05 * cast(User.followers_count, Float)
             + 0.2 * cast(User.posts_count, Float)).label("score")
    stmt = (select(User, score).outerjoin(recent, recent.c.user_id == User.id)
            .where(and_(User.type == "user", User.status == "active", User.id != viewer_id))
            .order_by(score.desc(), User.followers_count.desc(), User.created_at.desc(), User.id)
            .limit(limit))
    return [(user, float(value or 0)) for user, value in session.execute(stmt).all()]

