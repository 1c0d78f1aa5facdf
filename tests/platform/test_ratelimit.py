"""Rate limits: counting, headers, the product's 429 body, and a count shared through Redis."""
import uuid

import pytest
import redis

from server.errors import RateLimited
from server.products.looking import PRODUCT
from server.ratelimit import Limiter, MemoryStore, RedisStore, Rule

RULE = Rule("auth", 2, 60, prefixes=("/auth/login",), methods=("POST",))


class TestLimiter:
    def test_counts_per_client_and_raises_past_the_limit(self):
        limiter = Limiter([RULE], MemoryStore())
        first = limiter.check("1.1.1.1", "/auth/login", "POST")
        assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("2", "1")
        assert limiter.check("1.1.1.1", "/auth/login", "POST")["X-RateLimit-Remaining"] == "0"
        with pytest.raises(RateLimited) as caught:
            limiter.check("1.1.1.1", "/auth/login", "POST")
        assert 1 <= caught.value.retry_after <= 60
        assert caught.value.rule == "auth"
        assert limiter.check("2.2.2.2", "/auth/login", "POST")["X-RateLimit-Remaining"] == "1"

    def test_other_paths_and_methods_are_not_counted(self):
        limiter = Limiter([RULE], MemoryStore())
        for _ in range(5):
            assert limiter.check("1.1.1.1", "/profiles", "GET") == {}
            assert limiter.check("1.1.1.1", "/auth/login", "GET") == {}

    def test_scale_raises_limits(self):
        assert Limiter([RULE], MemoryStore(), scale=10).rules[0].limit == 20


class TestRedisStore:
    def test_two_workers_share_one_count(self):
        prefix = f"rl:test:{uuid.uuid4().hex}"
        try:
            worker_a = Limiter([RULE], RedisStore("redis://127.0.0.1:6379/0", prefix))
            worker_b = Limiter([RULE], RedisStore("redis://127.0.0.1:6379/0", prefix))
            worker_a.check("9.9.9.9", "/auth/login", "POST")
            worker_b.check("9.9.9.9", "/auth/login", "POST")
            with pytest.raises(RateLimited):
                worker_a.check("9.9.9.9", "/auth/login", "POST")
        finally:
            client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
            for key in client.scan_iter(prefix + ":*"):
                client.delete(key)


class TestRateLimitedEndpoint:
    @pytest.fixture
    def limited(self, looking):
        previous = PRODUCT.runtime.limiter
        PRODUCT.runtime.limiter = Limiter([RULE], MemoryStore())
        yield
        PRODUCT.runtime.limiter = previous

    def test_429_in_lookings_format_with_headers(self, client, limited):
        body = {"username": "nobody", "password": "x"}
        ok = client.post("/auth/login", json=body)
        assert (ok.status_code, ok.headers["x-ratelimit-limit"], ok.headers["x-ratelimit-remaining"]) == (401, "2", "1")
        client.post("/auth/login", json=body)
        response = client.post("/auth/login", json=body)
        assert response.status_code == 429
        retry = int(response.headers["retry-after"])
        assert response.json() == {"message": "Too many requests, please try again later.",
                                   "err": {"code": "RATE_LIMITED", "details": {"retryAfter": retry}}}
        assert response.headers["x-ratelimit-remaining"] == "0"
