"""HS256 bearer tokens (pyjwt).

Verifying a token (signature, claims) costs about 0.2 ms of CPU, and a client sends the same token with
every request. :func:`decode` remembers the tokens it has verified (by secret and token text, so the
outcome is the same as verifying again) and, for one seen before, only checks again what can change with
time: the expiry. Refused tokens are never remembered: each is judged in full.
"""
import datetime as dt
import time

import jwt


class TokenError(Exception):
    """``name`` and ``message`` mirror the JWT error a Node backend would report."""

    def __init__(self, name, message, expired_at=None):
        super().__init__(message)
        self.name = name
        self.message = message
        self.expired_at = expired_at


def issue(secret, claims, ttl):
    now = dt.datetime.now(dt.timezone.utc)
    payload = dict(claims, iat=int(now.timestamp()), exp=int((now + ttl).timestamp()))
    return jwt.encode(payload, secret, algorithm="HS256"), payload


VERIFIED_MAX = 10_000
_verified = {}  # (secret, token) -> (claims, exp): tokens whose signature and claims passed


def decode(secret, token):
    """The token's claims, or TokenError as :func:`_decode` words it."""
    key = (secret, token)
    known = _verified.get(key)
    if known is not None:
        if known[1] > time.time():  # pyjwt's rule: expired once exp <= now
            return dict(known[0])
        _verified.pop(key, None)  # expired since: verified again below, which words the error
    claims = _decode(secret, token)
    if len(_verified) >= VERIFIED_MAX:
        _verified.clear()
    _verified[key] = (dict(claims), int(claims["exp"]))
    return claims


def _decode(secret, token):
    try:
        return jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "iat"]})
    except jwt.ExpiredSignatureError:
        try:
            exp = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False}).get("exp")
            expired_at = dt.datetime.fromtimestamp(exp, dt.timezone.utc)
        except Exception:
            expired_at = None
        raise TokenError("TokenExpiredError", "jwt expired", expired_at)
    except jwt.InvalidSignatureError:
        raise TokenError("JsonWebTokenError", "invalid signature")
    except jwt.DecodeError:
        raise TokenError("JsonWebTokenError", "jwt malformed")
    except jwt.InvalidTokenError as exc:
        raise TokenError("JsonWebTokenError", str(exc) or "invalid token")
