"""Bearer tokens: a token verified once is not verified again on every request, yet expiry, a wrong
secret and tampering are judged exactly as before."""
import datetime as dt

import jwt
import pytest

from server import tokens

SECRET = "s" * 32


@pytest.fixture(autouse=True)
def empty_cache():
    tokens._verified.clear()
    yield
    tokens._verified.clear()


class TestDecode:
    def test_a_good_token_is_verified_once_and_its_claims_returned_each_time(self, monkeypatch):
        token, _ = tokens.issue(SECRET, {"sub": "u1", "ver": 2}, dt.timedelta(minutes=5))
        calls = []
        real = jwt.decode
        monkeypatch.setattr(jwt, "decode", lambda *a, **k: calls.append(a) or real(*a, **k))
        first = tokens.decode(SECRET, token)
        first["sub"] = "changed by a caller"
        second = tokens.decode(SECRET, token)
        assert second["sub"] == "u1" and second["ver"] == 2
        assert len(calls) == 1

    def test_a_remembered_token_that_has_expired_since_is_refused_as_expired(self, monkeypatch):
        token, payload = tokens.issue(SECRET, {"sub": "u1"}, dt.timedelta(minutes=5))
        tokens.decode(SECRET, token)
        later = payload["exp"] + 1
        monkeypatch.setattr(tokens.time, "time", lambda: later)
        monkeypatch.setattr(jwt.api_jwt, "datetime", _Frozen(later))
        with pytest.raises(tokens.TokenError) as caught:
            tokens.decode(SECRET, token)
        assert (caught.value.name, caught.value.message) == ("TokenExpiredError", "jwt expired")
        assert (SECRET, token) not in tokens._verified

    def test_another_secret_does_not_reuse_a_verification(self):
        token, _ = tokens.issue(SECRET, {"sub": "u1"}, dt.timedelta(minutes=5))
        tokens.decode(SECRET, token)
        with pytest.raises(tokens.TokenError) as caught:
            tokens.decode("t" * 32, token)
        assert caught.value.message == "invalid signature"

    def test_refused_tokens_are_not_remembered(self):
        token, _ = tokens.issue(SECRET, {"sub": "u1"}, dt.timedelta(minutes=5))
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        for _ in range(2):
            with pytest.raises(tokens.TokenError):
                tokens.decode(SECRET, tampered)
        expired, _ = tokens.issue(SECRET, {"sub": "u1"}, dt.timedelta(seconds=-5))
        with pytest.raises(tokens.TokenError) as caught:
            tokens.decode(SECRET, expired)
        assert caught.value.name == "TokenExpiredError"
        assert tokens._verified == {}

    def test_the_memory_is_bounded(self, monkeypatch):
        monkeypatch.setattr(tokens, "VERIFIED_MAX", 3)
        for n in range(7):
            token, _ = tokens.issue(SECRET, {"sub": f"u{n}"}, dt.timedelta(minutes=5))
            assert tokens.decode(SECRET, token)["sub"] == f"u{n}"
            assert len(tokens._verified) <= 3


class _Frozen:
    """Stands in for pyjwt's ``datetime`` with ``now()`` fixed at ``moment`` (seconds since the epoch)."""

    def __init__(self, moment):
        self.moment = moment

    def now(self, tz=None):
        return dt.datetime.fromtimestamp(self.moment, tz)
