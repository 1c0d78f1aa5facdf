"""Serving stored uploads: the same headers for every product."""
from flask import send_file

from models.errors import NotFound


def send_stored(storage, key, missing_message):
    """The stored file at ``key`` (404 ``missing_message`` when absent), cached for a day and never
    rendered as anything but what it is (``nosniff``, a sandboxing CSP)."""
    path = storage.path(key)
    if path is None:
        raise NotFound(missing_message)
    response = send_file(path, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
