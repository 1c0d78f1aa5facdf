"""Invare wired into the platform: NestJS-style error bodies, bearer tokens checked against the account,
the role markers, one-time codes by mail, Google sign-in.

Role markers: an operation declares ``x-permissions: [AdminOnly]`` (the original's ``@AdminOnly()``:
``isAdmin``) or ``x-permissions: [AdminOrCarrier]`` (``@AdminOrCarrier()``: ``isAdmin`` or ``isCarrier``)
beside ``security: [{bearerAuth: []}]``; :func:`authorize` refuses everyone else with 403
``Forbidden resource`` before the body is read. Rules that depend on the object (my listing, my order)
live in the model layer, with ``models.invare.callers.Caller``.
"""
import datetime as dt
import inspect
import logging
import re
import uuid

import anyio

from integrations import edfapay, thawani
from integrations.google_identity import GoogleIdentityConfig, google_verifier_from_config
from integrations.mail import mailer_from_settings
from integrations.push import PushConfig, push_gateway_from_config, user_topic
from integrations.storage import LocalStorage
from models.invare import database, orders, push_outbox, tenders, users
from models.invare import seed as seed_data
from models.invare.callers import FORBIDDEN
from models.invare.otp import OtpPolicy
from server import tokens
from server.errors import AuthProblem
from server.jobs import Job
from server.permissions import forbidden
from server.product import Product
from server.validation import NON_BLANK

log = logging.getLogger("server.invare")

TOKEN_TTL = dt.timedelta(days=7)
ADMIN_ONLY = "AdminOnly"
ADMIN_OR_CARRIER = "AdminOrCarrier"
ROLE_CHECKS = {
    ADMIN_ONLY: lambda claims: bool(claims.get("isAdmin")),
    ADMIN_OR_CARRIER: lambda claims: bool(claims.get("isAdmin") or claims.get("isCarrier")),
}
VALIDATION_KEY = "errors.validation_failed"
UNAUTHORIZED = "Unauthorized"
MESSAGES = {  # what NestJS says for errors that carry no message of ours
    "auth_missing": UNAUTHORIZED, "auth_invalid": UNAUTHORIZED, "auth_expired": UNAUTHORIZED,
    "auth_permission": FORBIDDEN, "route_not_found": "Not Found", "method_not_allowed": "Method Not Allowed",
    "too_large": "Payload Too Large", "unsupported_media_type": "Unsupported Media Type",
    "rate_limited": "ThrottlerException: Too Many Requests", "server": "Internal server error",
}


# -- errors -------------------------------------------------------------------------------------------

def message_key(text, namespace="errors"):
    """The reference's key rules: a key-like text (a dot, no spaces) passes through; otherwise the text
    lower-cased, non-alphanumerics as ``_`` (repeats collapsed, ends trimmed), at most 120 characters,
    under ``namespace`` (``errors.user_not_found``, ``messages.user_deleted``)."""
    text = str(text or "")
    if "." in text and not re.search(r"\s", text):
        return text
    key = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:120].strip("_")
    return f"{namespace}.{key or 'error'}"


def render_error(error):
    """Every error as NestJS answered it: ``{statusCode, message, messageKey, error, details?}``.
    ``message`` is a string, or for invalid input the list of class-validator style messages (also in
    ``details``, with ``messageKey`` ``errors.validation_failed``); ``error`` is the reason phrase."""
    if error.kind == "validation" and error.status == 400:
        messages = validation_messages(error)
        return {"statusCode": 400, "message": messages, "messageKey": VALIDATION_KEY, "error": error.reason,
                "details": messages}
    message = MESSAGES.get(error.kind) if error.kind in MESSAGES else error.message
    if error.status == 500 or error.kind == "server":  # a bug: no internals (providers' 502/503 say what failed)
        message = MESSAGES["server"]
    key = error.code if isinstance(error.code, str) and "." in error.code else message_key(message)
    body = {"statusCode": error.status, "message": message, "messageKey": key, "error": error.reason}
    if isinstance(error.details, (dict, list)):
        body["details"] = error.details
    return body


def validation_messages(error):
    """One message per failed rule, worded as class-validator words them (``email must be an email``,
    ``property x should not exist`` for a property the operation does not take)."""
    messages = []
    for entry in error.failures or error.errors or [{"message": error.message}]:
        messages.extend(m for m in _worded(entry) if m not in messages)  # "" fails minLength and NON_BLANK alike
    return messages or [error.message]


TYPE_WORDS = {"string": "must be a string", "integer": "must be an integer number", "boolean": "must be a boolean value",
              "number": "must be a number conforming to the specified constraints", "array": "must be an array",
              "object": "must be an object"}
FORMAT_WORDS = {"email": "must be an email", "uuid": "must be a UUID", "date-time": "must be a valid ISO 8601 date string",
                "date": "must be a valid ISO 8601 date string", "uri": "must be a URL address"}


def _worded(entry):
    rule, expected, field = entry.get("rule"), entry.get("expected"), entry.get("field") or "body"
    if rule == "additionalProperties":
        unexpected = entry.get("unexpected") or []
        parent = field[:-len(unexpected[0])].rstrip(".") if unexpected and field.endswith(unexpected[0]) else ""
        return [f"property {parent + '.' if parent else ''}{name} should not exist" for name in unexpected]
    if rule == "required":
        return [f"{field} should not be empty"]
    if rule == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return [f"{field} {TYPE_WORDS.get(kinds[0], f'must be a {kinds[0]}')}"]
    if rule == "format":
        return [f"{field} {FORMAT_WORDS.get(expected, f'must be a valid {expected}')}"]
    if rule == "enum":
        return [f"{field} must be one of the following values: {', '.join(str(v) for v in expected)}"]
    if rule == "pattern" and expected == NON_BLANK:
        return [f"{field} should not be empty"]
    if rule == "minLength":
        return [f"{field} should not be empty" if expected == 1
                else f"{field} must be longer than or equal to {expected} characters"]
    worded = {
        "maxLength": f"must be shorter than or equal to {expected} characters",
        "pattern": f"must match {expected} regular expression",
        "minimum": f"must not be less than {expected}",
        "maximum": f"must not be greater than {expected}",
        "minItems": f"must contain at least {expected} elements",
        "maxItems": f"must contain no more than {expected} elements",
        "uniqueItems": "must not contain duplicate elements",
        "minProperties": f"must have at least {expected} properties",
        "anyOf": "is not valid under any of the given schemas",
        "oneOf": "is not valid under exactly one of the given schemas",
    }.get(rule)
    return [f"{field} {worded}" if worded else entry.get("message") or "Bad Request"]


# -- tokens and roles ---------------------------------------------------------------------------------

async def bearer_info(token):
    """Connexion's bearer check: a valid token whose account exists and is ``active``. The claims handed
    on carry the account's current ``email``, ``isAdmin`` and ``isCarrier`` (one primary-key read per
    request), so a revoked role or a suspended account takes effect at once."""
    try:
        claims = tokens.decode(PRODUCT.runtime.settings.jwt_secret, token)
    except tokens.TokenError:
        raise AuthProblem(401, "invalid", UNAUTHORIZED) from None
    subject = claims.get("sub")
    try:
        user_id = uuid.UUID(subject) if isinstance(subject, str) else None
    except ValueError:
        user_id = None
    if user_id is None:
        raise AuthProblem(401, "invalid", UNAUTHORIZED)
    state = await anyio.to_thread.run_sync(_token_state, user_id)
    if state is None:
        raise AuthProblem(401, "invalid", UNAUTHORIZED)
    if state.account_status != "active":
        raise AuthProblem(401, "inactive", users.NOT_ACTIVE)
    return {**claims, "sub": str(user_id), "email": state.email, "isAdmin": bool(state.is_admin),
            "isCarrier": bool(state.is_carrier)}


# Connexion inspects the bearer function's signature on every request: hand it the answer ready-made.
bearer_info.__signature__ = inspect.signature(bearer_info)


def _token_state(user_id):
    with database.reading() as session:
        return users.token_state(session, user_id)


def authorize(token_info, needed):
    """The role markers of ``x-permissions`` (every one listed must hold)."""
    for marker in needed:
        check = ROLE_CHECKS.get(marker)
        if check is None:
            raise LookupError(f"unknown role marker {marker!r} in openapi/invare: use {', '.join(ROLE_CHECKS)}")
        if not check(token_info):
            return forbidden(FORBIDDEN)
    return None


def issue_token(user):
    """A 7-day bearer token ``{sub, email, isAdmin, isCarrier}``."""
    claims = {"sub": str(user.id), "email": user.email, "isAdmin": bool(user.is_admin), "isCarrier": bool(user.is_carrier)}
    token, _ = tokens.issue(PRODUCT.runtime.settings.jwt_secret, claims, TOKEN_TTL)
    return token


# -- integrations -------------------------------------------------------------------------------------

def send_mail(*, to, subject, text):
    """Mail after the commit; a failure is logged, never turned into an error response."""
    try:
        PRODUCT.runtime.mailer.send(to=to, subject=subject, text=text)
    except Exception:
        log.exception("mail to %s failed: %s", to, subject)


def otp_policy():
    return PRODUCT.runtime.otp_policy


def google():
    """The Google ID-token verifier (``integrations.google_identity``): Google's when ``GOOGLE_CLIENT_ID``
    is set, else the development fake (``fake-google:<email>[:<name>]``; it refuses everything in production)."""
    return PRODUCT.runtime.google


def bare_google_ids_allowed():
    """Whether the original client's bare ``{email, googleId}`` may sign in: only without a configured
    Google client id and outside production (nothing verifies such a body)."""
    return not PRODUCT.runtime.google_config.client_ids and not PRODUCT.runtime.settings.is_production


def push():
    """The FCM topic gateway (``integrations.push``): Firebase when ``FIREBASE_CREDENTIALS`` is set, else the
    outbox fake, whose ``records`` show what was pushed."""
    return PRODUCT.runtime.push


def public_url(path):
    """An absolute URL on this API: ``INVARE_PUBLIC_URL`` when set, else the address the caller used."""
    import flask

    base = PRODUCT.runtime.settings.public_url or flask.request.host_url
    return base.rstrip("/") + path


def push_gateway():
    """The push gateway (``integrations.push``): firebase-admin when ``FIREBASE_CREDENTIALS`` is set, else
    the outbox, whose sink stores every push in the ``push_outbox`` table (and logs it)."""
    return PRODUCT.runtime.push


def push_to_topic(topic, *, title, body, data):
    """One push, after the commit; a failure is logged and reported, never raised."""
    try:
        return push_gateway().send_to_topic(topic, title=title, body=body, data=data)
    except Exception:
        log.exception("push to %s failed", topic)
        return None


def push_notifications(pending):
    """Each notification a committed unit of work recorded, to its recipient's ``user_<id>`` topic."""
    for item in pending:
        push_to_topic(user_topic(item["user_id"]), title=item["title"], body=item["body"], data=item["data"])


def configure(app, settings):
    runtime = PRODUCT.runtime
    runtime.storage = getattr(runtime, "storage", None) or LocalStorage(settings.storage_dir)
    runtime.push = push_gateway_from_config(PushConfig.from_env(), sink=push_outbox.store_push)
    if push_notifications not in push_outbox.after_commit_pushers:
        push_outbox.after_commit_pushers.append(push_notifications)
    runtime.mailer = mailer_from_settings(settings.mail)
    runtime.storage = LocalStorage(settings.storage_dir)  # uploads, served under /public
    runtime.google_config = GoogleIdentityConfig.from_env(production=settings.is_production)
    runtime.google = google_verifier_from_config(runtime.google_config)
    if getattr(runtime, "push", None) is None:  # FCM topics: Firebase when configured, else the outbox (logged)
        runtime.push = push_gateway_from_config(PushConfig.from_env())
    runtime.otp_policy = OtpPolicy(secret=settings.jwt_secret, ttl=dt.timedelta(minutes=settings.otp_ttl_minutes),
                                   throttled=settings.rate_limits)  # RATE_LIMITS=off lifts every throttle
    # Thawani and EdfaPay (integrations/thawani.py, edfapay.py; THAWANI_* and EDFAPAY_*): offline fakes by
    # default outside production, whose checkout pages this API serves under /payments/fake/.
    payment_options = dict(production=settings.is_production, data_dir=settings.data_dir,
                           public_base_url=settings.public_url or "")
    runtime.thawani = thawani.gateway_from_env(**payment_options)
    runtime.edfapay = edfapay.gateway_from_env(**payment_options)
    from handlers.invare import payment_pages  # handlers import this module: imported once the product exists

    payment_pages.mount(app, runtime)


PRODUCT = Product(
    name="invare",
    title="Invare",
    port=3000,
    base_path="",
    database=database,
    render_error=render_error,
    authorize=authorize,
    configure=configure,
    seed=seed_data.seed,
    create_admin=seed_data.create_admin,
    index_extra={"message": "Hello World!"},
    jobs=(
        Job("escrow-expiry", orders.expire_escrows, 300,
            "refund points held in escrow past their expiry for orders the seller has not shipped"),
        Job("tender-expiry", tenders.expire_due, 300, "close shipping tenders past their expiry"),
    ),
)
