"""Google sign-in: verify a Google ID token and return who it names.

Every verifier offers ``verify(id_token) -> {"sub", "email", "email_verified", "name", "picture"}`` and
raises :class:`GoogleTokenInvalid` (an ``Unauthorized``, so products answer 401) for any token it
refuses. A verifier that cannot reach Google's certificates raises ``UpstreamFailure`` instead: the
token may well be good.

* :class:`GoogleVerifier`, when ``GOOGLE_CLIENT_ID`` is set (comma-separated when web and mobile
  clients have their own ids): checks the RS256 signature against Google's certificates
  (``GOOGLE_CERTS_URL``, default https://www.googleapis.com/oauth2/v1/certs, fetched through an HTTP
  cache that honours their Cache-Control), the audience, the expiry (10 s clock skew) and the issuer.
* :class:`FakeGoogleVerifier`, the default in development and tests when no client id is set: accepts
  ``fake-google:<email>`` or ``fake-google:<email>:<display name>``, so a person can walk the Google
  sign-in locally without Google, e.g. ``fake-google:ada@example.com:Ada Lovelace``. ``sub`` is a
  21-digit number derived from the email (the same email always gives the same Google id). In
  production without a client id it refuses every token.
"""
import hashlib
import logging
import os
from dataclasses import dataclass

import google.auth.exceptions
import google.auth.transport.requests
import requests
from cachecontrol import CacheControl
from google.oauth2 import id_token as google_id_token

from models.errors import Unauthorized, UpstreamFailure

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")
FAKE_PREFIX = "fake-google:"
MAX_TOKEN_LENGTH = 8192

log = logging.getLogger("integrations.google_identity")


class GoogleTokenInvalid(Unauthorized):
    """The Google token is malformed, forged, expired, or meant for another app. ``reason`` says which
    (for the log); the message shown to callers stays the same."""

    def __init__(self, reason):
        super().__init__("Invalid Google token.")
        self.reason = reason


def _identity(sub, email, email_verified, name=None, picture=None):
    return {"sub": sub, "email": email, "email_verified": email_verified, "name": name, "picture": picture}


class _TimedRequest:
    """google-auth's requests transport with a bounded timeout (its own default is 120 s)."""

    def __init__(self, session, timeout):
        self._request = google.auth.transport.requests.Request(session)
        self._timeout = timeout

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        return self._request(url, method=method, body=body, headers=headers,
                             timeout=timeout or self._timeout, **kwargs)


class GoogleVerifier:
    def __init__(self, client_ids, *, certs_url=GOOGLE_CERTS_URL, clock_skew=10, timeout=10.0):
        self.client_ids = tuple(client_ids)
        self.certs_url = certs_url
        self.clock_skew = clock_skew
        self._request = _TimedRequest(CacheControl(requests.Session()), timeout)

    def verify(self, id_token):
        if not isinstance(id_token, str) or not id_token or len(id_token) > MAX_TOKEN_LENGTH:
            raise GoogleTokenInvalid("not a token")
        try:
            claims = google_id_token.verify_token(id_token, self._request, audience=list(self.client_ids),
                                                  certs_url=self.certs_url,
                                                  clock_skew_in_seconds=self.clock_skew)
        except google.auth.exceptions.TransportError as exc:
            log.warning("Google certificates unavailable at %s: %s", self.certs_url, exc)
            raise UpstreamFailure("Google sign-in is unavailable right now.") from None
        except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
            raise GoogleTokenInvalid(str(exc)) from None
        if claims.get("iss") not in GOOGLE_ISSUERS:
            raise GoogleTokenInvalid(f"issuer {claims.get('iss')!r} is not Google")
        if not claims.get("sub") or not claims.get("email"):
            raise GoogleTokenInvalid("the token names no account or no email (request the email scope)")
        return _identity(str(claims["sub"]), claims["email"], claims.get("email_verified") is True,
                         claims.get("name"), claims.get("picture"))


class FakeGoogleVerifier:
    """``fake-google:<email>[:<name>]``; ``enabled=False`` (production) refuses everything."""

    def __init__(self, *, enabled=True):
        self.enabled = enabled

    def verify(self, id_token):
        if not self.enabled:
            raise GoogleTokenInvalid("Google sign-in is not configured (GOOGLE_CLIENT_ID)")
        if not isinstance(id_token, str) or not id_token.startswith(FAKE_PREFIX):
            raise GoogleTokenInvalid(f"development tokens look like {FAKE_PREFIX}<email>[:<name>]")
        email, _, name = id_token[len(FAKE_PREFIX):].partition(":")
        email = email.strip().lower()
        local, _, domain = email.partition("@")
        if not local or "." not in domain or any(c.isspace() for c in email) or len(email) > 254:
            raise GoogleTokenInvalid("the fake token's email is not an email address")
        sub = str(int(hashlib.sha256(email.encode()).hexdigest(), 16))[:21]
        return _identity(sub, email, True, name.strip() or local)


@dataclass(frozen=True)
class GoogleIdentityConfig:
    client_ids: tuple[str, ...] = ()        # GOOGLE_CLIENT_ID, comma-separated
    certs_url: str = GOOGLE_CERTS_URL       # GOOGLE_CERTS_URL
    production: bool = False

    @classmethod
    def from_env(cls, env=None, *, production):
        env = os.environ if env is None else env
        ids = tuple(i.strip() for i in (env.get("GOOGLE_CLIENT_ID") or "").split(",") if i.strip())
        return cls(client_ids=ids, certs_url=(env.get("GOOGLE_CERTS_URL") or "").strip() or GOOGLE_CERTS_URL,
                   production=production)


def google_verifier_from_config(config):
    if config.client_ids:
        return GoogleVerifier(config.client_ids, certs_url=config.certs_url)
    return FakeGoogleVerifier(enabled=not config.production)
