"""Invare's lists: plain JSON arrays (no envelope, no total), paged in SQL with ``?page=&limit=``.

The client pages by asking for the next page while the last one came back full
(``hasMore = items.length === limit``). Every list operation takes the root spec's ``Page`` and
``Limit`` parameters; the handler passes them through and dumps the list::

    def list_things(page=1, limit=DEFAULT_LIMIT):
        with database.reading() as session:
            return things_out.dump(things.list_things(session, page=page, limit=limit)), 200

    # models/invare/things.py
    def list_things(session, *, page, limit):
        stmt = select(Thing).order_by(Thing.created_at.desc(), Thing.id)   # a stable order: ties by id
        return page_of(session, stmt, page=page, limit=limit)
"""
from models.paging import clamp, slice_query

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000  # the client's material pickers ask for up to 1000


def page_of(session, stmt, *, page=1, limit=DEFAULT_LIMIT):
    """One page (1-based) of ``stmt``'s entities as a list; ``page``/``limit`` clamped to the spec's bounds."""
    page = clamp(page, default=1, maximum=10**6)
    limit = clamp(limit, default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    return slice_query(session, stmt, skip=(page - 1) * limit, limit=limit)
