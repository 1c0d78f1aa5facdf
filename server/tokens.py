"""HS256 bearer tokens (pyjwt)."""
import datetime as dt

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


def decode(secret, token):
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
