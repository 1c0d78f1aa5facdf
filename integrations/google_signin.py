"""Google sign-in: who a Google ID token names, as ``verify(token) -> {"email", "name", "sub"}``.

``GoogleIdTokens`` checks a real ID token with google-auth (signature against Google's published keys,
expiry, issuer, audience = the OAuth client id, a verified e-mail). ``FakeGoogleIdTokens`` is the offline
stand-in used when no client id is configured: it accepts ``fake-google:<sub>:<email>[:<name>]``, so a
person can finish a Google sign-in locally. Both raise :class:`InvalidGoogleToken`.

A local stand-in for the shared ``integrations.google_identity`` (same interface); the product reaches it
only through ``google_verifier(settings)``, so switching is one import.
"""
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
ISSUERS = ("accounts.google.com", "https://accounts.google.com")
FAKE_PREFIX = "fake-google:"


class InvalidGoogleToken(Exception):
    pass


class GoogleIdTokens:
    def __init__(self, client_id, *, certs_url=GOOGLE_CERTS_URL, request=None):
        self.client_id = client_id
        self.certs_url = certs_url
        self._request = request

    def verify(self, token):
        from google.auth.transport.requests import Request
        from google.oauth2 import id_token

        try:
            claims = id_token.verify_token(token, self._request or Request(), audience=self.client_id,
                                           certs_url=self.certs_url, clock_skew_in_seconds=10)
        except Exception as exc:  # google-auth raises ValueError, GoogleAuthError, TransportError
            raise InvalidGoogleToken(str(exc) or "invalid Google ID token") from None
        if claims.get("iss") not in ISSUERS:
            raise InvalidGoogleToken("wrong issuer")
        if not claims.get("email") or claims.get("email_verified") is False:
            raise InvalidGoogleToken("the Google account has no verified e-mail")
        return {"email": claims["email"], "name": claims.get("name"), "sub": claims["sub"]}


class FakeGoogleIdTokens:
    def verify(self, token):
        if not isinstance(token, str) or not token.startswith(FAKE_PREFIX):
            raise InvalidGoogleToken("not a development Google token")
        parts = token[len(FAKE_PREFIX):].split(":", 2)
        if len(parts) < 2 or not parts[0] or "@" not in parts[1]:
            raise InvalidGoogleToken("expected fake-google:<sub>:<email>[:<name>]")
        return {"sub": parts[0], "email": parts[1], "name": parts[2] if len(parts) > 2 else None}


def google_verifier(client_id):
    return GoogleIdTokens(client_id) if client_id else FakeGoogleIdTokens()
