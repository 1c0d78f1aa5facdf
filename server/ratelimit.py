"""Fixed-window rate limits, shared across workers through Redis when ``REDIS_URL`` is set.

A product declares its :class:`Rule` list; the ASGI middleware counts each request against every rule
that matches it, adds ``X-RateLimit-Limit/Remaining/Reset`` headers to the response of the tightest
one, and raises :class:`server.errors.RateLimited` (rendered in the product's 429 body) once a window
is spent.
"""
import math
import threading
import time
from dataclasses import dataclass

from server.errors import RateLimited


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int  # seconds
    prefixes: tuple = ("",)
    methods: tuple = ()

    def matches(self, path, method):
        if self.methods and method not in self.methods:
            return False
        return any(path == p or path.startswith(p.rstrip("/") + "/") or p == "" for p in self.prefixes)


class MemoryStore:
    """Per-process counters: right for one worker and for tests."""

    def __init__(self):
        self._counts = {}
        self._lock = threading.Lock()

    def hit(self, key, window):
        now = time.time()
        start = math.floor(now / window) * window
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] + window > now}
            bucket = self._counts.get(key)
            if bucket is None or bucket[0] != start:
                bucket = [start, 0]
                self._counts[key] = bucket
            bucket[1] += 1
            return bucket[1], start + window

    def reset(self):
        with self._lock:
            self._counts.clear()


class RedisStore:
    """Counters in Redis (INCR + EXPIRE in one pipeline), so every worker shares one count."""

    def __init__(self, url, prefix):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix

    def hit(self, key, window):
        now = time.time()
        start = math.floor(now / window) * window
        full = f"{self._prefix}:{key}:{int(start)}"
        pipe = self._redis.pipeline()
        pipe.incr(full)
        pipe.expire(full, window + 1)
        count, _ = pipe.execute()
        return int(count), start + window

    def reset(self):
        for key in self._redis.scan_iter(f"{self._prefix}:*"):
            self._redis.delete(key)


class Limiter:
    def __init__(self, rules, store, *, scale=1.0):
        self.rules = [Rule(r.name, max(1, int(r.limit * scale)), r.window, r.prefixes, r.methods) for r in rules]
        self.store = store

    def check(self, client, path, method):
        """Count one request; returns the headers to add, raises RateLimited past a limit."""
        tightest = None
        for rule in self.rules:
            if not rule.matches(path, method):
                continue
            count, reset_at = self.store.hit(f"{rule.name}:{client}", rule.window)
            remaining = max(0, rule.limit - count)
            headers = {
                "X-RateLimit-Limit": str(rule.limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(int(reset_at)),
            }
            if count > rule.limit:
                retry_after = max(1, int(math.ceil(reset_at - time.time())))
                raise RateLimited(retry_after, headers, rule=rule.name)
            if tightest is None or remaining < int(tightest["X-RateLimit-Remaining"]):
                tightest = headers
        return tightest or {}


SCOPE_KEY = "ratelimit.headers"


def rate_limit_middleware(limiter_ref):
    """ASGI middleware class that counts the request (inside the error handlers, so that its 429 is
    rendered in the product's format); ``limiter_ref()`` returns the live :class:`Limiter` or ``None``."""

    class RateLimitMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            limiter = limiter_ref()
            if scope["type"] == "http" and limiter is not None and scope["method"] != "OPTIONS":
                client = (scope.get("client") or ("unknown", 0))[0]
                holder = scope.get(SCOPE_KEY)
                try:
                    headers = limiter.check(client, scope["path"], scope["method"])
                except RateLimited as exc:
                    if holder is not None:
                        holder.update(exc.headers)
                    raise
                if holder is not None:
                    holder.update(headers)
            await self.app(scope, receive, send)

    return RateLimitMiddleware


class RateLimitHeadersMiddleware:
    """Outermost: adds the counted request's ``X-RateLimit-*`` headers to whatever response leaves,
    error responses included."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder = scope[SCOPE_KEY] = {}

        async def send_with_headers(message):
            if message["type"] == "http.response.start" and holder:
                present = {name.lower() for name, _ in message.get("headers", ())}
                extra = [(k.lower().encode(), v.encode()) for k, v in holder.items() if k.lower().encode() not in present]
                message["headers"] = list(message.get("headers", ())) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
