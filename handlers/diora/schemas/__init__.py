"""Response shapes, one module per area, named after the spec's components. Shared by every area:
``users`` (the account objects) and ``notifications``; :func:`ok` makes the success envelope."""


def ok(message=None, **payload):
    """Diora's success envelope: ``{"status": true, "message"?, ...payload}`` (no ``data`` wrapper,
    as the original answered; the payload keys are named per operation)."""
    body = {"status": True}
    if message is not None:
        body["message"] = message
    body.update(payload)
    return body


def pagination(page):
    """``Pagination`` for a :class:`models.paging.Page`: ``{page, limit, total, totalPages, hasNextPage,
    hasPrevPage}``."""
    return {"page": page.page, "limit": page.limit, "total": page.total, "totalPages": page.total_pages,
            "hasNextPage": page.page < page.total_pages, "hasPrevPage": page.page > 1}
