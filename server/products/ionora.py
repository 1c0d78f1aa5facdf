"""Ionora wired into the platform: error bodies, bearer tokens, the admin check, rate limits, Razorpay, mail."""
import datetime as dt
import inspect
import logging
import os
import secrets
import time

import anyio
import flask

from integrations.mail import mailer_from_settings
from integrations.razorpay import RazorpayConfig, gateway_from_config
from integrations.storage import MAX_IMAGE_BYTES, NOT_AN_IMAGE, ImageRejected, LocalStorage, clean_image
from models.errors import InvalidInput
from models.ionora import database, users
from models.ionora import seed as seed_data
from server import tokens
from server.errors import AuthProblem
from server.permissions import forbidden
from server.product import Product
from server.ratelimit import Rule

log = logging.getLogger("server.ionora")

TOKEN_TTL = dt.timedelta(days=7)
WINDOW = 15 * 60
GENERAL_RULE = Rule("general", 100, WINDOW)
AUTH_RULE = Rule("auth", 5, WINDOW, prefixes=("/api/auth",))
RATE_LIMIT_BODIES = {
    "general": ("RATE_LIMIT_EXCEEDED", "Too many requests, please try again later."),
    "auth": ("AUTH_RATE_LIMIT_EXCEEDED", "Too many authentication attempts, please try again later."),
}
AUTH_MESSAGES = {"Authentication token missing.", "Invalid token.", "Token has expired.", "Invalid token payload."}
ROUTE_MESSAGES = {404: "Route not found.", 405: "Method not allowed.", 413: "Request body too large.",
                  415: "Unsupported media type: send JSON."}


def render_error(error):
    """Ionora's bodies: validation ``{"errors": [{"type", "value", "msg", "path", "param", "location"}]}``
    (the original's express-validator items, plus the reference's ``param``), 429
    ``{"success": false, "error": {"code", "message"}, "message"}``, everything else ``{"message"}``
    (plus documented extras such as ``insufficient``)."""
    if error.kind == "validation" and error.status == 400:
        return {"errors": [_validation_item(e.get("message") or error.message, e.get("field"),
                                            e.get("location") or "body", e)
                           for e in (error.errors or [])]
                or [_validation_item(error.message, None, "body", {})]}
    if error.kind == "rate_limited":
        code, message = RATE_LIMIT_BODIES.get(error.code, RATE_LIMIT_BODIES["general"])
        return {"success": False, "error": {"code": code, "message": message}, "message": message}
    if error.kind == "auth_missing":
        return {"message": "Authentication token missing."}
    if error.kind.startswith("auth_") and error.status == 401:
        return {"message": error.message if error.message in AUTH_MESSAGES else "Invalid token."}
    if error.status >= 500 and error.kind not in ("upstream", "upstream_unavailable", "unavailable"):
        return {"message": "Internal server error."}
    if error.kind in ("route_not_found", "method_not_allowed", "too_large", "unsupported_media_type"):
        return {"message": ROUTE_MESSAGES.get(error.status, error.message)}
    body = {"message": error.message}
    if isinstance(error.details, dict):
        body.update({k: v for k, v in error.details.items() if k != "message"})
    return body


def _validation_item(message, field, location, entry):
    """One invalid input, as express-validator v7 reports it (``type``, ``value``, ``msg``, ``path``,
    ``location``) with the reference's ``param`` beside ``path``. ``value`` is the value sent: left out
    when there was none, for objects and arrays, for strings over 1000 characters, and for passwords."""
    item = {"type": "field", "msg": message, "path": field, "param": field, "location": location}
    value = entry.get("value")
    if ("value" in entry and not (field and "password" in field.lower())
            and (value is None or isinstance(value, (bool, int, float)) or (isinstance(value, str) and len(value) <= 1000))):
        item["value"] = value
    return item


async def bearer_info(token):
    """Connexion's bearer check: the token's claims plus ``is_admin`` read from the database (so a
    revoked administrator loses access at once). 401 for a bad token or one issued before the last
    password change or reset (its ``ver`` claim behind the account's), 403 when the account is gone.
    One primary-key read per request."""
    try:
        claims = tokens.decode(PRODUCT.runtime.settings.jwt_secret, token)
    except tokens.TokenError as exc:
        expired = exc.name == "TokenExpiredError"
        raise AuthProblem(401, "expired" if expired else "invalid", "Token has expired." if expired else "Invalid token.")
    subject = claims.get("sub")
    if not isinstance(subject, str) or users.as_uuid(subject) is None:
        raise AuthProblem(401, "invalid", "Invalid token payload.")
    state = await anyio.to_thread.run_sync(_token_state, subject)
    if state is None:
        raise AuthProblem(403, "permission", "User not found.")
    if claims.get("ver", 0) != state.token_version:
        raise AuthProblem(401, "invalid", "Invalid token.")
    return {**claims, "is_admin": bool(state.is_admin)}


# Connexion inspects the bearer function's signature on every request: hand it the answer ready-made.
bearer_info.__signature__ = inspect.signature(bearer_info)


def _token_state(user_id):
    with database.rows() as session:
        return users.token_state(session, user_id)


def authorize(token_info, needed):
    if "admin" in needed and not token_info.get("is_admin"):
        return forbidden("Forbidden: admin access required.")
    return None


def issue_token(user):
    claims = {"sub": str(user.id), "ver": user.token_version or 0}
    token, _ = tokens.issue(PRODUCT.runtime.settings.jwt_secret, claims, TOKEN_TTL)
    return token


def send_mail(*, to, subject, text):
    """Mail after the commit; a mail failure is logged, never turned into an error response."""
    try:
        PRODUCT.runtime.mailer.send(to=to, subject=subject, text=text)
    except Exception:
        log.exception("mail to %s failed: %s", to, subject)


def frontend_url(path):
    settings = PRODUCT.runtime.settings
    origin = (settings.extra.get("IONORA_FRONTEND_ORIGIN") or os.environ.get("FRONTEND_ORIGIN", "").split(",")[0]
              or settings.public_url or "http://localhost:3000")
    return origin.rstrip("/") + path


def public_url(path):
    """An absolute URL on this API: ``IONORA_PUBLIC_URL`` when set, else the address the caller used."""
    base = PRODUCT.runtime.settings.public_url or flask.request.host_url
    return base.rstrip("/") + path


def store_product_image(upload):
    """Keep an uploaded product image (decoded by its content, at most 5 MB, stored re-encoded) under
    ``products/<ms>-<32 hex>.<ext>``; returns that key."""
    data = upload.read(MAX_IMAGE_BYTES + 1) if upload is not None else b""
    if not data:
        raise InvalidInput("Image file is required.", field="image")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput("Image must be 5 MB or smaller.", field="image")
    try:
        image = clean_image(data)  # decoded and re-encoded without metadata; trailing bytes dropped
    except ImageRejected as exc:
        message = ("Unsupported file type. Only JPEG, PNG, WEBP, and GIF are allowed." if exc.problem == NOT_AN_IMAGE
                   else f"Image {exc.problem}.")
        raise InvalidInput(message, field="image") from None
    key = f"products/{int(time.time() * 1000)}-{secrets.token_hex(16)}.{image.ext}"
    return PRODUCT.runtime.storage.save(key, image.data)


def configure(app, settings):
    runtime = PRODUCT.runtime
    runtime.storage = LocalStorage(settings.storage_dir)
    runtime.mailer = mailer_from_settings(settings.mail)
    runtime.payments = gateway_from_config(RazorpayConfig.from_env(production=settings.is_production,
                                                                        secrets_dir=settings.data_dir))

    @app.app.get("/health")
    def health():  # the original's liveness probe, outside /api
        return {"status": "ok"}


PRODUCT = Product(
    name="ionora",
    title="Ionora",
    port=5000,
    base_path="/api",
    database=database,
    render_error=render_error,
    authorize=authorize,
    rate_rules=(GENERAL_RULE, AUTH_RULE),
    configure=configure,
    seed=seed_data.seed,
    create_admin=seed_data.create_admin,
)
