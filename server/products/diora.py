"""Diora wired into the platform: the error body, bearer tokens with account standing, roles, rate
limits, storage, and the realtime hook other code publishes through."""
import datetime as dt
import inspect
import logging
from types import SimpleNamespace

import anyio
import flask

from handlers.fields import iso_z
from integrations.storage import LocalStorage
from integrations.stripe_payments import gateway_from_env
from models.diora import database, report, standing
from models.diora.payments import cancel_unpaid
from models.diora import seed as seed_data
from models.ids import is_object_id
from server import tokens
from server.errors import AuthProblem
from server.jobs import Job
from server.permissions import forbidden
from server.product import Product
from server.ratelimit import Rule
from server.realtime import Realtime

log = logging.getLogger("server.diora")

TOKEN_TTL = dt.timedelta(days=30)
WINDOW = 15 * 60

# The reference's rate-limit table. Every request counts against ``general``; the others add a
# tighter limit for their paths. An area whose operation belongs to a class adds its path prefix here.
GENERAL_RULE = Rule("general", 100, WINDOW)
AUTH_RULE = Rule("auth", 5, WINDOW, prefixes=("/api/auth",))
UPLOAD_RULE = Rule("upload", 10, WINDOW, prefixes=("/api/upload", "/api/user/upload-image",
                                                    "/api/user/request-promotion", "/api/shop/profile", "/api/product",
                                                    "/api/review", "/api/post/create"), methods=("POST", "PUT"))
ADMIN_RULE = Rule("admin", 50, WINDOW, prefixes=("/api/admin",))
# Sending messages: over HTTP (POST /api/message/messages) and over Socket.IO (the hub's send rule).
MESSAGING_RULE = Rule("messaging", 30, 60, prefixes=("/api/message/messages",), methods=("POST",))
RATE_LIMITED = "Rate limit exceeded. Please try again later."

# The reference's error codes. A domain error carries its code (``NotFound("Product not found",
# code=PRODUCT_NOT_FOUND)``); render_error puts it in the body as ``code``.
INVALID_TOKEN = "AUTH_001"
ACCESS_DENIED = "AUTH_002"
USER_NOT_FOUND = "USER_001"
ACCOUNT_SUSPENDED = "USER_002"
PRODUCT_NOT_FOUND = "PROD_001"
ORDER_NOT_FOUND = "ORD_001"
CART_EMPTY = "CART_001"

ROLE_REFUSALS = {
    "admin": "Access denied. Admin privileges required.",
    "shop": "Access denied. Shop owners only.",
    "user": "Access denied. Only regular users can do this.",
}
ROUTE_MESSAGES = {404: "Route not found", 405: "Method not allowed", 413: "Request body too large"}
TOKEN_MESSAGES = {"No token provided", "Invalid token", "Token has expired", "User not found"}


def render_error(error):
    """Every Diora error: ``{"status": false, "message", "code"?}``; validation adds ``errors``
    (``[{field, location, message}]``) and ``field``; a domain error's ``details`` (text) or extra
    fields (a dict); 429 and 503 add ``retryAfter`` (seconds, as ``Retry-After``)."""
    body = {"status": False, "message": error.message}
    if error.kind == "validation":
        entries = [_one_of_names(e) for e in error.failures] if error.failures else error.errors or []
        body["errors"] = [{"field": e.get("field"), "location": e.get("location") or "body", "message": e["message"]}
                          for e in entries]
        if error.failures and entries[0] is not error.failures[0]:  # the first was reworded
            body["message"] = f"{entries[0]['message']} ({entries[0]['field']})"
        field = entries[0].get("field") if error.failures else error.field
        if field:
            body["field"] = field
    elif error.kind == "auth_missing":
        body.update(message="No token provided", code=INVALID_TOKEN)
    elif error.kind.startswith("auth_") and error.status == 401:
        body.update(message=error.message if error.message in TOKEN_MESSAGES else "Invalid token", code=INVALID_TOKEN)
    elif error.kind.startswith("auth_") or error.kind == "forbidden":
        body["code"] = error.code or ACCESS_DENIED
    elif error.kind == "rate_limited":
        body.update(message=RATE_LIMITED, retryAfter=error.retry_after)
    elif error.kind in ("unavailable", "upstream_unavailable"):
        if error.retry_after is not None:
            body["retryAfter"] = error.retry_after
    elif error.status >= 500 and error.kind != "upstream":
        body["message"] = "Internal server error"
    elif error.kind in ("route_not_found", "method_not_allowed", "too_large"):
        body["message"] = ROUTE_MESSAGES[error.status]
    elif error.code:
        body["code"] = error.code
    if error.field and error.kind in ("invalid", "rule", "conflict"):
        body["field"] = error.field
    if isinstance(error.details, str):
        body["details"] = error.details
    elif isinstance(error.details, dict):
        body.update({k: iso_z(v) if isinstance(v, dt.datetime) else v for k, v in error.details.items()
                     if k not in ("status", "message")})
    return body


def _one_of_names(entry):
    """A body that lacks every name a value may come under (an ``anyOf`` of single ``required``
    branches: ``text`` or ``content``) is worded ``text or content is required``, naming the first."""
    branches = entry.get("expected")
    if entry.get("rule") != "anyOf" or not isinstance(branches, list) or not all(
            isinstance(b, dict) and set(b) == {"required"} and len(b["required"]) == 1 for b in branches):
        return entry
    prefix = entry.get("field")
    names = [f"{prefix}.{b['required'][0]}" if prefix else b["required"][0] for b in branches]
    return {**entry, "field": names[0], "message": f"{', '.join(names[:-1])} or {names[-1]} is required"}


async def bearer_info(token):
    """Connexion's bearer check. The token (HS256, ``{id, sub}``, 30 days) must verify (else 401
    ``AUTH_001``); its account is then read by primary key on every request: gone is 401, banned or
    suspended is 403 ``USER_002`` with the reason (a suspension whose end has passed is lifted here,
    written back, and the request goes on). Returns ``{sub, id, type}``; handlers get ``user`` (the id)."""
    try:
        claims = tokens.decode(PRODUCT.runtime.settings.jwt_secret, token)
    except tokens.TokenError as exc:
        expired = exc.name == "TokenExpiredError"
        raise AuthProblem(401, "expired" if expired else "invalid", "Token has expired" if expired else "Invalid token")
    user_id = claims.get("id") or claims.get("sub")
    if not is_object_id(user_id):
        raise AuthProblem(401, "invalid", "Invalid token")
    state = await anyio.to_thread.run_sync(account_standing, user_id)
    if state is None:
        raise AuthProblem(401, "invalid", "User not found")
    refusal = standing.refusal(state)
    if refusal is not None:
        raise AuthProblem(403, "permission", refusal.message, {"code": refusal.code, **refusal.details})
    return {"sub": user_id, "id": user_id, "type": state.type}


# Connexion inspects the bearer function's signature on every request: hand it the answer ready-made.
bearer_info.__signature__ = inspect.signature(bearer_info)


def account_standing(user_id):
    """The account's access state (None when it is gone), a lapsed suspension lifted and written back."""
    with database.reading() as session:
        state = standing.access_state(session, user_id)
    if state is not None and standing.suspension_lapsed(state):
        with database.unit_of_work() as uow:
            standing.lift_lapsed_suspension(uow.session, user_id)
            uow.commit()
        state = SimpleNamespace(**dict(state._mapping, status="active", suspended_until=None, suspension_reason=None))
    return state


def authorize(token_info, needed):
    """``x-permissions`` on an operation lists the account types that may call it (any one of them);
    anyone else is refused with 403 ``AUTH_002``."""
    if token_info.get("type") in needed:
        return None
    message = ROLE_REFUSALS.get(needed[0]) if len(needed) == 1 else f"Access denied. Requires: {', '.join(needed)}."
    return forbidden(message or "Access denied.", {"code": ACCESS_DENIED})


def issue_token(user_id):
    """A bearer token for ``user_id``: ``{id, sub}`` (the original's ``id``, the platform's ``sub``), 30 days."""
    token, _ = tokens.issue(PRODUCT.runtime.settings.jwt_secret, {"id": user_id, "sub": user_id}, TOKEN_TTL)
    return token


def publish(user_ids, event, payload):
    """Send ``event`` with ``payload`` to every socket of each of ``user_ids``; call it after the commit.
    Goes through the platform's Socket.IO hub (``server.realtime``, ``PRODUCT.runtime.realtime``): every
    worker's sockets of those users get it. Never raises: a delivery problem is logged, not turned into
    an error response."""
    hub = getattr(PRODUCT.runtime, "realtime", None)
    targets = list(dict.fromkeys(u for u in user_ids if u))
    if hub is None or not targets:
        return
    try:
        hub.emit(event, payload, to_users=targets)
    except Exception:
        log.exception("realtime: publishing %s to %d users failed", event, len(targets))


def publish_room(room, event, payload):
    """Send ``event`` to the sockets that joined ``room`` (``conversation:<id>``); after the commit; never raises."""
    hub = getattr(PRODUCT.runtime, "realtime", None)
    if hub is None:
        return
    try:
        hub.emit(event, payload, room=room)
    except Exception:
        log.exception("realtime: publishing %s to %s failed", event, room)


def socket_user(token):
    """The hub's check of a socket's token: the user id when the token verifies and its account is
    active (a banned or suspended account, or a bad token, is refused)."""
    try:
        claims = tokens.decode(PRODUCT.runtime.settings.jwt_secret, token)
    except tokens.TokenError:
        return None
    user_id = claims.get("id") or claims.get("sub")
    if not is_object_id(user_id):
        return None
    state = account_standing(user_id)
    if state is None or standing.refusal(state) is not None:
        return None
    return user_id


def _register_events(hub):
    from handlers.diora import sockets  # the handlers import this module

    sockets.register(hub)


async def _presence(hub, user_id, online):
    from handlers.diora import sockets

    await sockets.presence(hub, user_id, online)


def public_url(path):
    """An absolute URL on this API: ``DIORA_PUBLIC_URL`` when set, else the address the caller used."""
    base = PRODUCT.runtime.settings.public_url or flask.request.host_url
    return base.rstrip("/") + path


def _request_api_root():
    """The API root as the current request addressed it (``http://127.0.0.1:5011/api``); empty outside one."""
    if not flask.has_request_context():
        return ""
    return flask.request.host_url.rstrip("/") + PRODUCT.base_path


def configure(app, settings):
    runtime = PRODUCT.runtime
    runtime.storage = LocalStorage(settings.storage_dir)
    # Stripe (integrations/stripe_payments.py): STRIPE_MODE=fake by default outside production, its test
    # checkout and onboarding pages served by this API under /api/stripe/fake-*.
    # Its links name DIORA_PUBLIC_URL when set, else the host and port the request came in on.
    api_root = settings.public_url.rstrip("/") + PRODUCT.base_path if settings.public_url else ""
    runtime.stripe = gateway_from_env(production=settings.is_production, data_dir=settings.data_dir,
                                      public_base_url=api_root, request_base_url=_request_api_root)
    from handlers.diora import stripe_pages  # handlers import this module: imported once the product exists

    stripe_pages.mount(app, runtime)

    @app.app.get("/")
    def root():  # the original's liveness text, outside /api
        return "API is running", 200, {"Content-Type": "text/plain; charset=utf-8"}


PRODUCT = Product(
    name="diora",
    title="Diora",
    port=5010,
    base_path="/api",
    database=database,
    render_error=render_error,
    authorize=authorize,
    rate_rules=(GENERAL_RULE, AUTH_RULE, UPLOAD_RULE, ADMIN_RULE, MESSAGING_RULE),
    trailing_slash=True,
    configure=configure,
    jobs=(Job("cancel-unpaid-orders", cancel_unpaid, every=15 * 60,
              description="Card orders still unpaid 24 hours after they were placed are cancelled and their "
                          "stock given back."),
          Job("report-cleanup", report.run_cleanup, 24 * 3600,
              "Delete resolved and dismissed reports older than 7 days")),
    seed=seed_data.seed,
    create_admin=seed_data.create_admin,
    realtime=Realtime(register=_register_events, authenticate=socket_user, anonymous=True, send_rule=MESSAGING_RULE,
                      presence=_presence),
)
