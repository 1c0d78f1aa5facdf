"""Small ASGI middlewares every product uses: body-size limit, NUL removal and request logging."""
import logging
import re
import time

from starlette.exceptions import HTTPException

access_log = logging.getLogger("server.access")


def body_limit_middleware(max_bytes):
    """Refuse bodies over ``max_bytes`` before anything buffers them (413 in the product's format)."""

    class BodyLimitMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            for name, value in scope.get("headers", ()):
                if name == b"content-length":
                    try:
                        too_big = int(value) > max_bytes
                    except ValueError:
                        raise HTTPException(400, "Invalid Content-Length header")
                    if too_big:
                        raise HTTPException(413)
            seen = 0

            async def limited_receive():
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > max_bytes:
                        raise HTTPException(413)
                return message

            await self.app(scope, limited_receive, send)

    return BodyLimitMiddleware


class AccessLogMiddleware:
    """One line per request: method, path, status, milliseconds."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {}

        async def capture(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            access_log.info("%s %s %s %.1fms", scope["method"], scope["path"], status.get("code", "-"),
                            (time.perf_counter() - started) * 1000)


_ENCODED_NUL = re.compile(rb"%00")


class DropNulMiddleware:
    """Removes NUL characters from the path and query string after validation (parameters are judged
    as sent) and before the handler, as the JSON body validator does for bodies: PostgreSQL cannot
    store or compare them, and they mean nothing here."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            query = scope.get("query_string", b"")
            if b"%00" in query:
                scope["query_string"] = _ENCODED_NUL.sub(b"", query)
            if "\x00" in scope.get("path", ""):
                scope["path"] = scope["path"].replace("\x00", "")
                if scope.get("raw_path"):
                    scope["raw_path"] = _ENCODED_NUL.sub(b"", scope["raw_path"])
        await self.app(scope, receive, send)
