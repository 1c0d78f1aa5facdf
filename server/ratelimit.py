"""Rate limits on the ``limits`` package: a moving window per rule and client, shared by every worker
through Redis when ``REDIS_URL`` is set, counted in this process otherwise.

A product declares its :class:`Rule` list. :meth:`Limiter.check` counts a request against every rule
that matches it, returns the ``X-RateLimit-Limit/Remaining/Reset`` headers of the tightest one, and
raises :class:`server.errors.RateLimited` (rendered in the product's 429 body, named after the spent
rule) once a window is spent.

Redis never makes a request fail or wait for long: its calls are asynchronous (the event loop keeps
serving) and bounded by ``timeout`` seconds. When Redis does not answer in time, or refuses, the limiter
logs a warning and counts in this process (fails open), asks Redis again in the background every
``retry_interval`` seconds, and shares the counts again once it answers.
"""
import asyncio
import logging
import math
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter as SharedWindow
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter as LocalWindow
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from server.errors import RateLimited

log = logging.getLogger("server.ratelimit")

REDIS_TIMEOUT = 0.25  # seconds one request may spend on Redis before it is counted here instead
RETRY_INTERVAL = 2.0  # seconds between background checks while Redis is unhealthy


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


class Limiter:
    """Counts requests against ``rules``; ``redis_url`` shares the counts (keys under ``prefix``)."""

    def __init__(self, rules, *, redis_url=None, prefix="rl", scale=1.0, timeout=REDIS_TIMEOUT,
                 retry_interval=RETRY_INTERVAL):
        self.rules = [Rule(r.name, max(1, int(r.limit * scale)), r.window, r.prefixes, r.methods) for r in rules]
        self._items = {rule.name: RateLimitItemPerSecond(rule.limit, rule.window) for rule in self.rules}
        self._local = LocalWindow(MemoryStorage())
        self.redis_url = redis_url
        self.prefix = prefix
        self.timeout = timeout
        self.retry_interval = retry_interval
        self._shared = None  # (event loop, window, storage): a Redis connection belongs to one loop
        self._down = False
        self._next_probe = 0.0
        self._probe_task = None

    @property
    def sharing(self):
        """Whether counts currently go to Redis."""
        return self.redis_url is not None and not self._down

    async def check(self, scope):
        """Count one ASGI request; returns the headers to add, raises RateLimited past a limit."""
        client = (scope.get("client") or ("unknown", 0))[0]
        return await self.hit(client, scope["path"], scope["method"])

    async def hit(self, client, path, method):
        rules = [rule for rule in self.rules if rule.matches(path, method)]
        if not rules:
            return {}
        counted = await self._count_shared(rules, client) if self.redis_url is not None else None
        if counted is None:
            counted = self._count_local(rules, client)
        tightest = None
        for rule, (allowed, stats) in zip(rules, counted):
            headers = {
                "X-RateLimit-Limit": str(rule.limit),
                "X-RateLimit-Remaining": str(stats.remaining),
                "X-RateLimit-Reset": str(math.ceil(stats.reset_time)),
            }
            if not allowed:
                retry_after = max(1, math.ceil(stats.reset_time - time.time()))
                raise RateLimited(retry_after, headers, rule=rule.name)
            if tightest is None or stats.remaining < int(tightest["X-RateLimit-Remaining"]):
                tightest = headers
        return tightest

    def _count_local(self, rules, client):
        counted = []
        for rule in rules:
            item = self._items[rule.name]
            allowed = self._local.hit(item, rule.name, client)
            counted.append((allowed, self._local.get_window_stats(item, rule.name, client)))
            if not allowed:
                break
        return counted

    async def _count_shared(self, rules, client):
        """Counts in Redis, or ``None`` when Redis is unhealthy (the caller counts here instead)."""
        if self._down:
            self._maybe_probe()
            return None
        window = self._shared_window()
        try:
            async with asyncio.timeout(self.timeout):
                counted = []
                for rule in rules:
                    item = self._items[rule.name]
                    allowed = await window.hit(item, rule.name, client)
                    counted.append((allowed, await window.get_window_stats(item, rule.name, client)))
                    if not allowed:
                        break
                return counted
        except Exception as exc:  # noqa: BLE001 - whatever Redis does wrong, the request is counted here
            self._mark_down(exc)
            return None

    def _shared_window(self):
        loop = asyncio.get_running_loop()
        if self._shared is None or self._shared[0] is not loop:
            url = self.redis_url if self.redis_url.startswith("async+") else "async+" + self.redis_url
            storage = RedisStorage(url, implementation="redispy", key_prefix=self.prefix,
                                   socket_timeout=self.timeout, socket_connect_timeout=self.timeout,
                                   retry=Retry(NoBackoff(), 0))
            self._shared = (loop, SharedWindow(storage), storage)
        return self._shared[1]

    def _where(self):
        parts = urlsplit(self.redis_url.removeprefix("async+"))
        return f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else parts.path

    def _mark_down(self, exc):
        if not self._down:
            self._down = True
            log.warning("rate limits: Redis at %s is unavailable (%s); counting in this process until it answers",
                        self._where(), f"{type(exc).__name__}: {exc}" if str(exc) else f"no answer in {self.timeout}s")
        self._next_probe = time.monotonic() + self.retry_interval

    def _maybe_probe(self):
        if time.monotonic() < self._next_probe or (self._probe_task is not None and not self._probe_task.done()):
            return
        self._probe_task = asyncio.get_running_loop().create_task(self._probe())

    async def _probe(self):
        self._shared_window()
        storage = self._shared[2]
        try:
            async with asyncio.timeout(self.timeout):
                healthy = await storage.check()
        except Exception:  # noqa: BLE001 - any failure means: not yet
            healthy = False
        if healthy:
            self._down = False
            log.warning("rate limits: Redis at %s answers again; counts are shared again", self._where())
        else:
            self._next_probe = time.monotonic() + self.retry_interval


# Where the platform middleware keeps the counted request's headers until the response leaves
# (server/middleware.py).
SCOPE_KEY = "ratelimit.headers"
