"""Every error, whatever raised it, becomes one :class:`ApiError`; each product renders it once.

Sources: the request validators (:class:`RequestValidationProblem`), Connexion's own problems
(security 401s, 415, response validation), Starlette's HTTP errors (unknown route 404, 405, 413),
the model layer's domain errors, the rate limiter, the database being busy or out of reach (503 with
``Retry-After``), and anything unexpected (500, no internals).
"""
import logging
from dataclasses import dataclass
from dataclasses import field as dc_field

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionResponse
from sqlalchemy import exc as sa
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from models import errors as domain
from server.validation import RULE_KEYS, RequestValidationProblem

log = logging.getLogger("server.errors")

DOMAIN_STATUS = {
    domain.NotFound: (404, "not_found"),
    domain.Conflict: (409, "conflict"),
    domain.RuleViolation: (400, "rule"),
    domain.InvalidInput: (400, "invalid"),
    domain.Unauthorized: (401, "unauthorized"),
    domain.Forbidden: (403, "forbidden"),
    domain.TooManyRequests: (429, "too_many"),
    domain.UpstreamFailure: (502, "upstream"),
}

REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable",
}


class AuthProblem(ProblemException):
    """Raised by bearer-info functions and the permission check. ``kind`` is one of
    ``missing`` / ``invalid`` / ``expired`` / ``permission``; ``details`` is product material."""

    def __init__(self, status, kind, message, details=None):
        super().__init__(status=status, title=REASONS[status], detail=message)
        self.kind = kind
        self.details = details


class RateLimited(ProblemException):
    """``rule`` names the limit that was spent (a product may answer each one differently)."""

    def __init__(self, retry_after, headers, rule=None):
        super().__init__(status=429, title=REASONS[429], detail="Too many requests, please try again later.",
                         headers=headers)
        self.retry_after = retry_after
        self.rule = rule


@dataclass
class ApiError:
    status: int
    kind: str
    message: str
    errors: list = dc_field(default_factory=list)
    field: str | None = None
    code: str | None = None
    details: object = None
    headers: dict = dc_field(default_factory=dict)
    retry_after: int | None = None
    # validation only: each entry of ``errors`` with the failed schema keyword beside it (``rule``,
    # ``expected``, ``unexpected`` property names), for products that word validation errors themselves
    failures: list = dc_field(default_factory=list)

    @property
    def reason(self):
        return REASONS.get(self.status, "Error")


UNAVAILABLE = "The service is temporarily unavailable; please retry shortly."
# PostgreSQL SQLSTATEs that mean "busy now, retry": statement timeout, lock timeout, deadlock,
# serialization failure, too many connections; and "not reachable now": shutting down, starting up.
BUSY_STATES = {"57014", "55P03", "40P01", "40001", "53300"}
DOWN_STATES = {"57P01", "57P02", "57P03"}
BUSY_RETRY_AFTER = 1
DOWN_RETRY_AFTER = 2


def database_retry_after(exc):
    """``Retry-After`` seconds when ``exc`` says the database is busy or out of reach for now (a lock
    that could not be had in time, a statement timeout, a refused, lost or timed-out connection, an
    exhausted pool); ``None`` for any other error (a programming error stays a 500)."""
    if isinstance(exc, sa.TimeoutError):  # no pooled connection free in time
        return BUSY_RETRY_AFTER
    if not isinstance(exc, sa.DBAPIError):
        return None
    if exc.connection_invalidated:
        return DOWN_RETRY_AFTER
    orig = exc.orig
    if getattr(orig, "sqlite_errorname", None) in ("SQLITE_BUSY", "SQLITE_LOCKED") or (
            isinstance(exc, sa.OperationalError) and "database is locked" in str(orig)):
        return BUSY_RETRY_AFTER
    if not type(orig).__module__.startswith("psycopg"):
        return None
    state = getattr(orig, "sqlstate", None)
    if state in BUSY_STATES:
        return BUSY_RETRY_AFTER
    if state in DOWN_STATES or (state or "").startswith("08"):
        return DOWN_RETRY_AFTER
    if state is None and isinstance(exc, sa.OperationalError):  # refused, timed out, closed by the server
        return DOWN_RETRY_AFTER
    return None


def _foreign_key_violation(exc):
    """A write refused by a foreign key (PostgreSQL SQLSTATE 23503, SQLite's FOREIGN KEY constraint)."""
    if not isinstance(exc, sa.IntegrityError):
        return False
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "23503" or "FOREIGN KEY constraint failed" in str(orig)


def normalize(exc):
    if isinstance(exc, domain.UpstreamFailure) and exc.retry_after is not None:
        return ApiError(503, "upstream_unavailable", exc.message, code=exc.code, details=exc.details,
                        retry_after=exc.retry_after)
    if isinstance(exc, domain.DomainError):
        status, kind = next(v for k, v in DOMAIN_STATUS.items() if isinstance(exc, k))
        return ApiError(status, kind, exc.message, field=exc.field, code=exc.code, details=exc.details,
                        errors=[{"field": exc.field, "message": exc.message}] if exc.field else [],
                        retry_after=getattr(exc, "retry_after", None))
    if isinstance(exc, RequestValidationProblem):
        errors = [{k: v for k, v in e.items() if k not in RULE_KEYS} for e in exc.errors]
        return ApiError(400, "validation", exc.detail, errors=errors, field=exc.errors[0].get("field"),
                        failures=exc.errors)
    if isinstance(exc, AuthProblem):
        return ApiError(exc.status, "auth_" + exc.kind, exc.detail, details=exc.details)
    if isinstance(exc, RateLimited):
        return ApiError(429, "rate_limited", exc.detail, headers=dict(exc.headers or {}), retry_after=exc.retry_after,
                        code=exc.rule)
    if isinstance(exc, ProblemException):
        status = exc.status
        if status == 401:
            kind = "auth_missing" if "No authorization token" in str(exc.detail) else "auth_invalid"
            return ApiError(401, kind, exc.detail or REASONS[401], headers=dict(exc.headers or {}))
        if status >= 500:
            log.error("problem %s: %s", status, exc.detail)
            return ApiError(500, "server", "Internal server error")
        message = exc.detail or exc.title or REASONS.get(status, "Error")
        errors = [{"field": None, "location": "request", "message": message}] if status == 400 else []
        return ApiError(status, _kind_for(status), message, errors=errors, headers=dict(exc.headers or {}))
    if isinstance(exc, MultiPartException):  # a malformed multipart body (starlette's parser refused it)
        message = f"Malformed multipart body: {exc.message}"
        return ApiError(400, "validation", message, errors=[{"field": None, "location": "body", "message": message}])
    if isinstance(exc, HTTPException):
        status = exc.status_code
        if status >= 500:
            return ApiError(500, "server", "Internal server error")
        message = {404: "Not found", 405: "Method not allowed", 413: "Request body too large"}.get(
            status, exc.detail or REASONS.get(status, "Error"))
        return ApiError(status, _kind_for(status), message, headers=dict(exc.headers or {}))
    if _foreign_key_violation(exc):  # the request named an object that does not exist (or no longer does)
        log.warning("refused: a referenced object does not exist (%s)", str(exc.orig).splitlines()[0])
        message = "A referenced object does not exist."
        return ApiError(400, "invalid", message, errors=[{"field": None, "location": "body", "message": message}])
    retry_after = database_retry_after(exc)
    if retry_after is not None:
        log.warning("database unavailable (%s): %s", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        return ApiError(503, "unavailable", UNAVAILABLE, retry_after=retry_after)
    log.exception("unhandled error", exc_info=exc)
    return ApiError(500, "server", "Internal server error")


def _kind_for(status):
    return {400: "validation", 403: "forbidden", 404: "route_not_found", 405: "method_not_allowed",
            413: "too_large", 415: "unsupported_media_type"}.get(status, "client")


def install(app, render, jsonifier, allow_for=None):
    """Route every error of ``app`` through ``render(ApiError) -> dict`` (the product's body)."""

    def handle(request, exc):
        error = normalize(exc)
        headers = dict(error.headers)
        headers.pop("Content-Type", None)
        headers.pop("content-type", None)
        if error.status == 405 and allow_for is not None:
            allowed = allow_for(request.url.path)
            if allowed:
                headers["Allow"] = allowed
        if error.retry_after is not None:
            headers["Retry-After"] = str(error.retry_after)
        return ConnexionResponse(
            status_code=error.status,
            mimetype="application/json",
            content_type="application/json",
            body=jsonifier.dumps(render(error)),
            headers=headers,
        )

    app.add_error_handler(ProblemException, handle)
    app.add_error_handler(HTTPException, handle)
    app.add_error_handler(domain.DomainError, handle)
    app.add_error_handler(Exception, handle)
    return handle
