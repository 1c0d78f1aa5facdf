"""Paging and sorting, written once.

``page_query`` counts and pages a ``select()`` in SQL; ``order_by`` maps public sort names to
column expressions through an allow-list, never through text.
"""
from dataclasses import dataclass

from sqlalchemy import func, select


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
    """Run ``stmt`` for one page (1-based) and count all its rows in one more query."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(limit).offset((page - 1) * limit)).unique().all()
    return Page(items=list(items), total=total or 0, page=page, limit=limit)


def slice_query(session, stmt, *, skip=0, limit=None):
    """Offset/limit without counting: for APIs that return bare arrays."""
    if skip:
        stmt = stmt.offset(skip)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt).unique().all())
