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
