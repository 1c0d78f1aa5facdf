"""Paging and sorting, written once.

``page_query`` counts and pages a ``select()`` of entities; ``page_rows`` pages a :class:`Paged` query
(a ``select()`` of plain columns prepared once, with bound parameters, so that a hot read neither builds
ORM objects nor rebuilds and re-keys its statements per request); ``order_by`` maps public sort names
to column expressions through an allow-list, never through text.

Counting: a page's ``total`` is exact up to :data:`ESTIMATE_FROM` matching rows. Beyond that, on
PostgreSQL, it is the planner's row estimate (``EXPLAIN``), which costs the same however large the table
is, where ``count(*)`` reads every matching row on every page view. Callers that pass a ``count_key``
(the filters, say) reuse an estimate for :data:`ESTIMATE_TTL` seconds; below the threshold the count is
always exact.
"""
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal

ESTIMATE_FROM = 1000
ESTIMATE_TTL = 10.0
_estimates = {}  # count_key -> (monotonic expiry, planner estimate)


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    limit: int

    @property
    def total_pages(self):
        return (self.total + self.limit - 1) // self.limit if self.limit else 0


def clamp(value, *, default, maximum, minimum=1):
    if value is None:
        return default
    return max(minimum, min(int(value), maximum))


def order_by(stmt, sort, allowed, *, default):
    """Apply the sort named ``sort`` from ``allowed`` (name -> tuple of order expressions)."""
    return stmt.order_by(*allowed.get(sort or default, allowed[default]))


def page_query(session, stmt, *, page=1, limit=20):
    """Run ``stmt`` (of entities) for one page (1-based) and count all its rows in one more query."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(limit).offset((page - 1) * limit)).unique().all()
    return Page(items=list(items), total=total or 0, page=page, limit=limit)


class Paged:
    """A ``select()`` (its filters as bound parameters) prepared once for paging: the page (limit and
    offset bound too), the count and the plan, each a statement built once and compiled once."""

    def __init__(self, stmt):
        unordered = stmt.order_by(None)
        self.page = stmt.limit(bindparam("page_limit")).offset(bindparam("page_offset"))
        self.count = select(func.count()).select_from(unordered.subquery())
        self.explain = Explain(unordered)


def page_rows(session, query, params=None, *, page=1, limit=20, count_key=None):
    """One page (1-based) of a :class:`Paged` query's rows, and the total from :func:`count_rows`.
    ``session`` may be a Session or a Core connection (``Database.rows()``)."""
    params = dict(params or {})
    items = session.execute(query.page, {**params, "page_limit": limit, "page_offset": (page - 1) * limit}).all()
    return Page(items=items, total=count_rows(session, query, params, key=count_key), page=page, limit=limit)


def count_rows(session, query, params=None, *, key=None):
    """How many rows a :class:`Paged` query selects: exact up to :data:`ESTIMATE_FROM`, the planner's
    estimate above it (PostgreSQL; elsewhere always exact). With ``key`` (the query and its parameters),
    the estimate is kept for a few seconds."""
    if dialect_name(session) == "postgresql":
        estimate = _estimate(session, query, params, key)
        if estimate >= ESTIMATE_FROM:
            return estimate
    return session.scalar(query.count, params) or 0


def dialect_name(executor):
    """The database's dialect name for a Session or a Core connection."""
    dialect = getattr(executor, "dialect", None)
    return (dialect or executor.get_bind().dialect).name


def _estimate(session, query, params, key):
    now = time.monotonic()
    cached = _estimates.get(key) if key is not None else None
    if cached is not None and cached[0] > now:
        return cached[1]
    estimate = int(session.execute(query.explain, params).scalar()[0]["Plan"]["Plan Rows"])
    if key is not None:
        if len(_estimates) > 10_000:
            _estimates.clear()
        _estimates[key] = (now + ESTIMATE_TTL, estimate)
    return estimate


def slice_query(session, stmt, *, skip=0, limit=None):
    """Offset/limit without counting: for APIs that return bare arrays."""
    if skip:
        stmt = stmt.offset(skip)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt).unique().all())


class Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON) <stmt>`` as a cacheable statement (compiled once per statement shape)."""

    inherit_cache = True
    _traverse_internals = [("statement", InternalTraversal.dp_clauseelement)]
    _all_selected_columns = ()  # its one column is PostgreSQL's, not the statement's

    def __init__(self, statement):
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element, compiler, **kw):
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)
