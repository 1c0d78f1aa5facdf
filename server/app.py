"""The app factory: one Connexion FlaskApp per product."""
import contextlib
import importlib
import json
import logging
import re
import time

import anyio
import connexion
import flask
import orjson
from connexion.context import _operation
from connexion.jsonifier import JSONEncoder, Jsonifier
from connexion.middleware import MiddlewarePosition
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

import openapi
from models.session import Timeouts
from server import errors, observability, realtime
from server.allow import AllowTable
from server.bodylimits import BodyLimits
from server.middleware import DocsMiddleware, DropNulMiddleware, platform_middlewares
from server.operator import Operator
from server.permissions import after_security, permission_middleware
from server.ratelimit import Limiter
from server.resolver import HandlerResolver
from server.settings import Settings
from server.validation import CachedRequestValidationMiddleware, validator_map

PRODUCTS = ("diora", "ionora", "looking", "invare")
log = logging.getLogger("server")


class ProductNotImplemented(LookupError):
    pass


def load_product(name):
    """The product's :class:`server.product.Product`, or ProductNotImplemented."""
    if name not in PRODUCTS:
        raise ProductNotImplemented(f"unknown product {name!r}; choose from {', '.join(PRODUCTS)}")
    try:
        module = importlib.import_module(f"server.products.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"server.products.{name}":
            raise ProductNotImplemented(f"{name} is not implemented yet") from None
        raise
    if not module.PRODUCT.spec_path.exists():
        raise ProductNotImplemented(f"{name} has no spec yet")
    return module.PRODUCT


_ENCODER = JSONEncoder()
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class _FastJson:
    """``json``-compatible ``dumps``/``loads`` for Connexion's jsonifier: orjson writes the compact UTF-8
    text the stdlib would (``separators=(",", ":")``, ``ensure_ascii=False``) several times faster. Types
    orjson does not know, and datetimes (whose text Connexion defines), go through Connexion's encoder;
    anything orjson refuses (integers beyond 64 bits) falls back to the stdlib."""

    @staticmethod
    def dumps(data, **_kwargs):
        try:
            return orjson.dumps(data, default=_ENCODER.default, option=_ORJSON_OPTIONS).decode()
        except orjson.JSONEncodeError:
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False, cls=JSONEncoder)

    loads = staticmethod(json.loads)


COMPACT = Jsonifier(_FastJson)


def load_spec(product):
    return openapi.load(product.name)


def create_app(name, settings=None):
    product = load_product(name)
    settings = settings or Settings.from_env(name)
    spec = load_spec(product)

    product.runtime.settings = settings
    product.runtime.limiter = _limiter(product, settings)
    product.runtime.body_limits = BodyLimits.from_spec(spec, product.base_path, settings.max_body_bytes)
    product.database.bind(settings.database_url, timeouts=Timeouts(
        connect=settings.db_connect_timeout, statement=settings.db_statement_timeout, lock=settings.db_lock_timeout))
    product.runtime.metrics = metrics = observability.Metrics(name)
    metrics.watch_pool(product.database.engine)
    product.runtime.operator = operator = Operator(product, settings, metrics, spec.get("info") or {}, COMPACT)

    replaced = {RequestValidationMiddleware: CachedRequestValidationMiddleware, SwaggerUIMiddleware: DocsMiddleware}
    middlewares = after_security(
        [replaced.get(m, m)
         for m in ConnexionMiddleware.default_middlewares
         if settings.validate_responses or m is not ResponseValidationMiddleware],  # off: not in the way
        permission_middleware(product.authorize or (lambda token_info, needed: None)),
    )
    app = connexion.FlaskApp(
        f"{name}_api",
        middlewares=middlewares,
        jsonifier=COMPACT,
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=validator_map(),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/docs",
                                            swagger_ui_config={"layout": "BaseLayout"}),  # no explorer bar
        lifespan=_warm_up(product),
    )
    app.app.json.compact = True
    app.add_api(
        spec,
        base_path=product.base_path or None,
        resolver=HandlerResolver(product.handlers_package),
        strict_validation=True,
        validate_responses=settings.validate_responses,
        name=name,
    )
    allow_table = _allowed_methods(spec, product.base_path)
    errors.install(app, product.render_error, COMPACT, allow_for=AllowTable(spec, product.base_path).allow)

    edge, gate = platform_middlewares(limiter_ref=lambda: product.runtime.limiter,
                                      body_limits_ref=lambda: product.runtime.body_limits,
                                      static_methods=static_path_methods(allow_table),
                                      slash_tolerant=[rx for rx, _ in allow_table] if product.trailing_slash else ())
    app.add_middleware(gate, MiddlewarePosition.BEFORE_ROUTING)
    if product.realtime:  # outermost of the platform's layers: /socket.io/ never reaches the API's
        product.runtime.realtime = realtime.Hub(product, product.realtime, settings, metrics, json=_FastJson)
        app.add_middleware(product.runtime.realtime.middleware(), MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(DropNulMiddleware, MiddlewarePosition.BEFORE_CONTEXT)
    app.add_middleware(observability.telemetry_middleware(metrics), MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(operator.middleware(), MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(
        CORSMiddleware,
        MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(settings.cors_origins),
        allow_credentials=settings.cors_credentials,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"],
    )
    app.add_middleware(edge, MiddlewarePosition.BEFORE_EXCEPTION)
    app.app.before_request(_only_routed_operations)
    if product.configure:
        product.configure(app, settings)
    return app


def _warm_up(product):
    """Lifespan: whatever is slow the first time (Looking's gazetteer) happens before serving."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if product.warm_up:
            started = time.perf_counter()
            await anyio.to_thread.run_sync(product.warm_up)
            log.info("%s: warmed up in %.1fs", product.name, time.perf_counter() - started)
        yield

    return lifespan


def _only_routed_operations():
    """A path Connexion's router did not match (an id holding a newline, say) can still match the
    Flask rule behind it; without an operation the handler would run unvalidated. Answer 404 instead.
    Both signs are checked: the request's own routing result (Connexion's operation context variable can
    hold a previous request's operation on a keep-alive connection) and the operation context itself
    (unset when the Flask rule matched a path the router refused).
    Plain Flask routes a product adds itself (outside the API blueprint) are left alone."""
    if flask.request.blueprint is None:
        return
    routing = flask.request.environ.get("asgi.scope", {}).get("extensions", {}).get("connexion_routing", {})
    if routing.get("operation_id") is None or _operation.get(None) is None:
        raise HTTPException(404)


def static_path_methods(table):
    """``PUT /profiles/verified`` must be 405, not a match for ``PUT /profiles/{id}``: a path that
    equals a parameter-free spec path is answered 405 for the methods that path does not declare.
    Returns (regex, allowed methods) for those paths (the gate middleware checks them)."""
    static = {rx.pattern: methods for rx, methods in table if "[^/]+" not in rx.pattern}
    return [(re.compile(pattern), frozenset(methods.split(", ")) | ({"HEAD"} if "GET" in methods else set()))
            for pattern, methods in static.items()]


def _limiter(product, settings):
    if not settings.rate_limits or not product.rate_rules:
        return None
    return Limiter(product.rate_rules, redis_url=settings.redis_url,
                   prefix=settings.rate_limit_prefix or f"rl:{product.name}", scale=settings.rate_limit_scale)


def _allowed_methods(spec, base_path):
    """(regex, 'GET, POST') per spec path: the paths the gate knows (static 405s, trailing slashes)."""
    table = []
    for path, item in (spec.get("paths") or {}).items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape((base_path or "") + path))
        methods = sorted(m.upper() for m in item if m in ("get", "put", "post", "delete", "patch", "head", "options"))
        table.append((re.compile("^" + pattern + "/?$"), ", ".join(methods)))
    return table
