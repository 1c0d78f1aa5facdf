"""Looking wired into the platform: error body, token checks, permissions, limits, integrations."""
import datetime as dt

import anyio

from integrations.geocoder import geocoder_from_settings
from integrations.mail import mailer_from_settings
from integrations.storage import ImageStore, LocalStorage
from models.errors import Unauthorized
from models.looking import database, users
from models.looking import seed as seed_data
from server import tokens
from server.errors import AuthProblem
from server.permissions import forbidden
from server.product import Product
from server.ratelimit import Rule

TOKEN_TTL = dt.timedelta(minutes=15)
TOKEN_TTL_LABEL = "15m"
NOT_AUTHORIZED = "User not authorized to perform this action"
REVOKED = {"name": "JsonWebTokenError", "message": "jwt revoked: the password was changed after it was issued"}


def render_error(error):
    """Looking's one error body: ``{"message", "err"}`` (plus the documented special shapes)."""
    if error.code == "LOGIN_FAILED":
        return {"status": 401, "authorized": False, "message": error.message}
    if error.code == "SESSION_INVALID":
        return {"valid": False, "message": error.message}
    if error.kind == "auth_missing":
        return {"message": "No authorization token provided", "err": None}
    if error.kind in ("auth_invalid", "auth_expired", "auth_permission") and error.status == 403:
        return {"message": NOT_AUTHORIZED, "err": error.details}
    if error.kind == "forbidden":
        return {"message": NOT_AUTHORIZED, "err": {"name": "PermissionError", "message": error.details or error.message}}
    if error.kind == "validation":
        return {"message": error.message, "err": {"code": "VALIDATION_ERROR", "details": error.errors}}
    if error.code == 11000:
        return {"message": error.message, "err": {"code": 11000, **(error.details or {})}}
    if error.code == "PASSWORD_MISMATCH":
        return {"success": False, "message": error.message,
                "err": {"code": "PASSWORD_MISMATCH", "details": "confirmPassword does not match password"}}
    if error.kind == "rate_limited":
        return {"message": error.message, "err": {"code": "RATE_LIMITED", "details": {"retryAfter": error.retry_after}}}
    if error.kind == "unavailable":
        return {"message": error.message, "err": {"code": "SERVICE_UNAVAILABLE", "details": {"retryAfter": error.retry_after}}}
    if error.status >= 500:
        return {"message": error.message, "err": None}
    code = error.code or error.kind.upper()
    details = error.details if error.details is not None else (error.errors or None)
    return {"message": error.message, "err": {"code": code, "details": details}}


async def bearer_info(token):
    """Connexion's bearer check: the claims of a valid token, else 403 with the JWT error.

    A user token is checked against the account on every request (one primary-key read): the current
    ``can``, ``forceReset`` and ``username`` replace the token's copies, so a demotion takes effect at
    once; a deleted account is 401 ``ACCOUNT_GONE``; a token older than the last password change (its
    ``ver`` claim behind the account's) is refused like any invalid token."""
    try:
        claims = tokens.decode(PRODUCT.runtime.settings.jwt_secret, token)
    except tokens.TokenError as exc:
        details = {"name": exc.name, "message": exc.message}
        if exc.expired_at:
            details["expiredAt"] = exc.expired_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        raise AuthProblem(403, "expired" if exc.name == "TokenExpiredError" else "invalid", NOT_AUTHORIZED, details)
    uid = claims.get("uid")
    if uid is None:
        return claims  # anonymous: no account behind it, no permission in it
    state = await anyio.to_thread.run_sync(_token_state, uid)
    if state is None:
        raise Unauthorized("This account no longer exists", code="ACCOUNT_GONE")
    if claims.get("ver", 0) != state.token_version:
        raise AuthProblem(403, "invalid", NOT_AUTHORIZED, REVOKED)
    current = {**claims, "username": state.username, "can": list(state.can or [])}
    current.pop("forceReset", None)
    if state.force_reset:
        current["forceReset"] = True
    return current


def _token_state(uid):
    with database.reading() as session:
        return users.token_state(session, uid)


def authorize(token_info, needed):
    can = token_info.get("can") or []
    if token_info.get("forceReset"):
        return forbidden(NOT_AUTHORIZED, {"name": "PasswordResetRequired",
                                          "message": "change your password before doing anything else"})
    if "super" in can or all(permission in can for permission in needed):
        return None
    missing = next(p for p in needed if p not in can)
    return forbidden(NOT_AUTHORIZED, {"name": "PermissionError", "message": f"requires the '{missing}' permission"})


def issue_token(claims):
    token, payload = tokens.issue(PRODUCT.runtime.settings.jwt_secret, claims, TOKEN_TTL)
    return token


def configure(app, settings):
    runtime = PRODUCT.runtime
    runtime.mailer = mailer_from_settings(settings.mail)
    runtime.storage = LocalStorage(settings.storage_dir)
    runtime.images = ImageStore(runtime.storage)
    runtime.geocoder = geocoder_from_settings(settings.geocoder)


def warm_up():
    PRODUCT.runtime.geocoder.warm_up()


PRODUCT = Product(
    name="looking",
    title="Looking",
    port=3069,
    base_path="",
    database=database,
    render_error=render_error,
    authorize=authorize,
    rate_rules=(
        Rule("auth", 20, 15 * 60, prefixes=("/auth/login", "/auth/reset"), methods=("POST",)),
        Rule("submission", 10, 60 * 60, prefixes=("/profiles/submission",), methods=("POST",)),
    ),
    configure=configure,
    warm_up=warm_up,
    seed=seed_data.seed,
    create_admin=seed_data.create_admin,
)
