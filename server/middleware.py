"""The ASGI middlewares every product uses: the platform's per-request work folded into two layers
(:func:`platform_middlewares`), and NUL removal after validation."""
import logging
import re
import time

from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from starlette.exceptions import HTTPException

from server.errors import RateLimited
from server.ratelimit import SCOPE_KEY as RATE_LIMIT_HEADERS

access_log = logging.getLogger("server.access")


def platform_middlewares(*, limiter_ref, body_limits_ref, static_methods, slash_tolerant=()):
    """The platform's own per-request work as two ASGI layers instead of one layer per concern (each
    layer is an awaited call, a closure and a scope walk per request):

    - ``Edge``, outside the error handlers, so that it sees every response, error responses included:
      the counted request's ``X-RateLimit-*`` headers on whatever response leaves, and the access log line.
    - ``Gate``, inside the error handlers and before routing, so that what it raises is rendered in the
      product's format: rate limiting (429), the body-size limit of the operation the request is for
      (413 before anything buffers a body: a larger ``Content-Length`` at once, a chunked body the moment
      it passes the limit; 400 for a bad Content-Length) and 405 for methods a parameter-free spec path
      does not declare.

    ``limiter_ref()`` returns the live :class:`server.ratelimit.Limiter` or None; ``body_limits_ref()`` the
    live :class:`server.bodylimits.BodyLimits`; ``static_methods`` is a list of (compiled path regex,
    allowed methods) for the parameter-free spec paths. ``slash_tolerant`` (the spec paths' regexes, for
    a product whose clients add a trailing slash) makes ``Gate`` route ``/api/post/`` as ``/api/post``
    before anything else sees the path (rate limits, body limits, 405s, routing); paths that are not spec
    paths (``/api/docs/``) keep their slash."""

    class Edge:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            holder = scope[RATE_LIMIT_HEADERS] = {}
            logging_on = access_log.isEnabledFor(logging.INFO)
            started = time.perf_counter()
            status = "-"

            async def edge_send(message):
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    if holder:
                        headers = list(message.get("headers", ()))
                        present = {name.lower() for name, _ in headers}
                        for key, value in holder.items():
                            name = key.lower().encode()
                            if name not in present:
                                headers.append((name, value.encode()))
                        message["headers"] = headers
                await send(message)

            try:
                await self.app(scope, receive, edge_send)
            finally:
                if logging_on:  # as access_log.info(...), without looking up the caller's frame
                    access_log.handle(access_log.makeRecord(
                        access_log.name, logging.INFO, __file__, 0, "%s %s %s %.1fms %s",
                        (scope["method"], scope["path"], status, (time.perf_counter() - started) * 1000,
                         (scope.get("client") or ("-",))[0]), None))

    class Gate:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            method = scope["method"]
            if slash_tolerant:
                _drop_trailing_slash(scope, slash_tolerant)
            limiter = limiter_ref()
            if limiter is not None and method != "OPTIONS":
                holder = scope.get(RATE_LIMIT_HEADERS)
                try:
                    counted = await limiter.check(scope)
                except RateLimited as exc:
                    if holder is not None:
                        holder.update(exc.headers)
                    raise
                if holder is not None:
                    holder.update(counted)
            max_bytes = body_limits_ref().limit_for(method, scope["path"])
            for name, value in scope.get("headers", ()):
                if name == b"content-length":
                    try:
                        too_big = int(value) > max_bytes
                    except ValueError:
                        raise HTTPException(400, "Invalid Content-Length header")
                    if too_big:
                        raise HTTPException(413)
            if method != "OPTIONS":
                path = scope["path"]
                for rx, allowed in static_methods:
                    if method not in allowed and rx.match(path):
                        raise HTTPException(405)
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

    return Edge, Gate


def _drop_trailing_slash(scope, spec_paths):
    path = scope["path"]
    if len(path) > 1 and path.endswith("/"):
        bare = path.rstrip("/")
        if bare and any(rx.match(bare) for rx in spec_paths):
            scope["path"] = bare
            raw = scope.get("raw_path")
            if raw:
                scope["raw_path"] = raw.rstrip(b"/")


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


class DocsMiddleware(SwaggerUIMiddleware):
    """Connexion's docs layer (the spec as JSON and YAML, Swagger UI), entered only by the paths it serves.

    Connexion's own passes every request through a Starlette router of the docs' routes before handing it
    on, about a twentieth of an API request's CPU. Here a request whose path does not start with one of
    those routes' fixed prefixes (``/api/openapi.json``, ``/api/docs``, ...) goes straight on; the rest are
    routed exactly as before, trailing-slash redirects included."""

    _prefixes = None

    def add_api(self, *args, **kwargs):
        super().add_api(*args, **kwargs)
        self._prefixes = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            prefixes = self._prefixes or self._served_prefixes()
            if not scope["path"].startswith(prefixes):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _served_prefixes(self):
        found = []

        def walk(routes, base):
            for route in routes:
                path = base + route.path
                inner = getattr(route, "routes", None)
                if inner:
                    walk(inner, path)
                else:
                    found.append(path.split("{", 1)[0].rstrip("/") or "/")

        walk(self.router.routes, "")
        self._prefixes = tuple(sorted(p for p in set(found) if not any(p != q and p.startswith(q) for q in found)))
        return self._prefixes
