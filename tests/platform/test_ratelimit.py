"""Rate limits: counting, headers, the product's 429 body, a count shared through Redis, and Redis
outages (stopped, hung) that never fail or hold up a request."""
import asyncio
import logging
import time
import uuid

import httpx
import pytest

from server.errors import RateLimited
from server.products.looking import PRODUCT
from server.ratelimit import Limiter, Rule
from server.settings import Settings
from tests.platform.services import PrivateRedis, serving

RULE = Rule("auth", 2, 60, prefixes=("/auth/login",), methods=("POST",))
READS = Rule("reads", 1000, 600, prefixes=("/profiles",), methods=("GET",))


def hit(limiter, client="1.1.1.1", path="/auth/login", method="POST"):
    return asyncio.run(limiter.hit(client, path, method))


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def with_limiter(looking):
    """``with_limiter(limiter)`` puts a limiter in front of Looking for this test."""
    previous = PRODUCT.runtime.limiter

    def install(limiter):
        PRODUCT.runtime.limiter = limiter
        return limiter

    yield install
    PRODUCT.runtime.limiter = previous


class TestLimiter:
    def test_counts_per_client_and_raises_past_the_limit(self):
        limiter = Limiter([RULE])
        first = hit(limiter)
        assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("2", "1")
        assert hit(limiter)["X-RateLimit-Remaining"] == "0"
        with pytest.raises(RateLimited) as caught:
            hit(limiter)
        assert 1 <= caught.value.retry_after <= 60
        assert caught.value.rule == "auth"
        assert caught.value.headers["X-RateLimit-Remaining"] == "0"
        assert hit(limiter, client="2.2.2.2")["X-RateLimit-Remaining"] == "1"

    def test_other_paths_and_methods_are_not_counted(self):
        limiter = Limiter([RULE])
        for _ in range(5):
            assert hit(limiter, path="/profiles", method="GET") == {}
            assert hit(limiter, method="GET") == {}

    def test_the_tightest_rule_gives_the_headers_and_the_first_spent_rule_names_the_429(self):
        general, auth = Rule("general", 3, 60), Rule("auth", 1, 60, prefixes=("/auth",))
        limiter = Limiter([general, auth])
        assert hit(limiter, path="/auth/login")["X-RateLimit-Limit"] == "1"
        with pytest.raises(RateLimited) as caught:
            hit(limiter, path="/auth/login")
        assert caught.value.rule == "auth"
        assert hit(limiter, path="/other")["X-RateLimit-Remaining"] == "0"
        with pytest.raises(RateLimited) as caught:
            hit(limiter, path="/other")
        assert caught.value.rule == "general"

    def test_reset_is_the_unix_time_a_slot_frees(self):
        before = time.time()
        headers = hit(Limiter([RULE]))
        assert before + 60 <= int(headers["X-RateLimit-Reset"]) <= time.time() + 61

    def test_scale_raises_limits(self):
        assert Limiter([RULE], scale=10).rules[0].limit == 20

    def test_middleware_interface_counts_an_asgi_scope(self):
        scope = {"type": "http", "method": "POST", "path": "/auth/login", "client": ("3.3.3.3", 5000)}
        limiter = Limiter([RULE])
        assert asyncio.run(limiter.check(scope))["X-RateLimit-Remaining"] == "1"
        assert hit(limiter, client="3.3.3.3")["X-RateLimit-Remaining"] == "0"


class TestKeyPrefix:
    def test_default_prefix_is_per_product(self):
        assert Settings.from_env("looking", env={}).rate_limit_prefix == "rl:looking"

    def test_deployment_prefix_keeps_products_apart(self):
        env = {"RATE_LIMIT_PREFIX": "staging"}
        assert Settings.from_env("ionora", env=env).rate_limit_prefix == "staging:ionora"

    def test_keys_in_redis_carry_the_prefix(self, private_redis):
        hit(Limiter([RULE], redis_url=private_redis.url, prefix="staging:looking"))
        keys = private_redis.keys()
        assert keys and all(key.startswith("staging:looking:") for key in keys)


class TestSharedCounts:
    def test_two_workers_share_one_count(self, private_redis):
        prefix = f"rl:test:{uuid.uuid4().hex}"
        worker_a = Limiter([RULE], redis_url=private_redis.url, prefix=prefix)
        worker_b = Limiter([RULE], redis_url=private_redis.url, prefix=prefix)
        assert hit(worker_a, client="9.9.9.9")["X-RateLimit-Remaining"] == "1"
        assert hit(worker_b, client="9.9.9.9")["X-RateLimit-Remaining"] == "0"
        with pytest.raises(RateLimited):
            hit(worker_a, client="9.9.9.9")
        assert worker_a.sharing and worker_b.sharing


class TestRateLimitedEndpoint:
    def test_429_in_lookings_format_with_headers(self, client, with_limiter):
        with_limiter(Limiter([RULE]))
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


def _remaining(response):
    assert response.status_code == 200, response.text
    return int(response.headers["x-ratelimit-remaining"])


def _recover(http, base, limiter):
    """Requests go on until the limiter has found Redis again (its background check)."""
    for _ in range(100):
        _remaining(http.get(base + "/profiles"))
        if limiter.sharing:
            return
        time.sleep(0.05)
    raise AssertionError("the limiter never went back to Redis")


class RedisOutage:
    """Looking served by uvicorn, its reads limited through a private Redis that the test breaks.
    The HTTP client's timeout is the bound: a request held up by Redis fails the test."""

    CLIENT_TIMEOUT = 5

    def limiter(self, private_redis):
        return Limiter([READS], redis_url=private_redis.url, prefix=f"rl:test:{uuid.uuid4().hex}",
                       timeout=0.25, retry_interval=0.2)

    def break_redis(self, private_redis):
        raise NotImplementedError

    def repair_redis(self, private_redis):
        raise NotImplementedError

    def test_requests_keep_succeeding_and_counts_are_shared_again(self, looking, with_limiter, private_redis, caplog):
        limiter = with_limiter(self.limiter(private_redis))
        other_worker = Limiter([READS], redis_url=private_redis.url, prefix=limiter.prefix)
        caplog.set_level(logging.WARNING, logger="server.ratelimit")
        with serving(looking.app) as base, httpx.Client(timeout=self.CLIENT_TIMEOUT) as http:
            assert _remaining(http.get(base + "/profiles")) == 999

            self.break_redis(private_redis)
            during = [http.get(base + "/profiles") for _ in range(20)]
            assert [r.status_code for r in during] == [200] * 20
            assert all("x-ratelimit-remaining" in r.headers for r in during)
            assert not limiter.sharing
            warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert any(f"Redis at 127.0.0.1:{private_redis.port} is unavailable" in m for m in warnings), warnings

            self.repair_redis(private_redis)
            _recover(http, base, limiter)
            assert any("answers again" in r.getMessage() for r in caplog.records)
            shared = _remaining(http.get(base + "/profiles"))
            assert int(hit(other_worker, client="127.0.0.1", path="/profiles", method="GET")
                       ["X-RateLimit-Remaining"]) == shared - 1
            assert _remaining(http.get(base + "/profiles")) == shared - 2


class TestRedisStopped(RedisOutage):
    def break_redis(self, private_redis):
        private_redis.stop()

    def repair_redis(self, private_redis):
        private_redis.start()


class TestRedisHung(RedisOutage):
    def break_redis(self, private_redis):
        private_redis.pause()

    def repair_redis(self, private_redis):
        private_redis.resume()
