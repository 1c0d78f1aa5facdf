"""Operator endpoints every product inherits: liveness, readiness, metrics, the base-URL index and ReDoc.

``<base>/livez``, ``<base>/readyz`` and ``<base>/metrics`` (GET and HEAD) are answered by
:func:`operator_endpoints`, a small ASGI piece in front of rate limiting, the access log and the Flask
thread pool, so that probes and scrapes are cheap and never spend a client's rate limit. They are
documented in each spec (operationIds ``operator.*``, handled by the functions below, which each product
re-exports from ``handlers/<product>/operator.py``). ``<base>/`` (the index) is an ordinary operation.

- Liveness: the process answers (``{"status": "ok"}``).
- Readiness: the database answers and is at the newest migration, and Redis answers when ``REDIS_URL`` is
  set; otherwise 503 in the product's error format naming what is missing.
- Metrics: Prometheus text, only to clients in ``METRICS_ALLOW_IPS`` (default loopback; ``*`` for
  everyone; empty turns it off); anyone else gets the product's 404, as for an unknown path.
"""
import ipaddress
import logging
from urllib.parse import parse_qsl

import anyio
from connexion.context import scope as connexion_scope
from connexion.lifecycle import ConnexionResponse

from server.errors import ApiError, normalize
from server.validation import RequestValidationProblem
from server.observability import METRICS_CONTENT_TYPE

log = logging.getLogger("server.operator")
READY_TIMEOUT = 5.0
REDOC_SCRIPT = "https://cdn.jsdelivr.net/npm/redoc@2.5.4/bundles/redoc.standalone.js"
REDOC_PAGE = """<!DOCTYPE html>
<html>
  <head>
    <title>{title} reference</title>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
  </head>
  <body>
    <redoc spec-url="{spec}"></redoc>
    <script src="{script}"></script>
  </body>
</html>
"""


class Operator:
    """The operator side of one product's app: what the endpoints need, bound at app creation."""

    def __init__(self, product, settings, metrics, spec_info, jsonifier):
        self.product = product
        self.settings = settings
        self.metrics = metrics
        self.jsonifier = jsonifier
        base = product.base_path
        self.index_body = {
            **product.index_extra,
            "name": spec_info.get("title", product.title),
            "version": spec_info.get("version", ""),
            "docs": f"{base}/docs/",
            "redoc": f"{base}/redoc",
            "spec": f"{base}/openapi.json",
            "health": {"live": f"{base}/livez", "ready": f"{base}/readyz"},
            "metrics": f"{base}/metrics",
        }
        self.redoc_page = REDOC_PAGE.format(title=spec_info.get("title", product.title),
                                            spec=f"{base}/openapi.json", script=REDOC_SCRIPT).encode()
        self.metrics_networks = _networks(settings.metrics_allow_ips)
        self._heads = None
        self._redis = None

    # -- the checks ------------------------------------------------------------------------------

    def liveness(self):
        return 200, {"status": "ok"}

    def readiness(self):
        """(status, body) after checking the database (and Redis when configured)."""
        checks = {"database": self._check_database()}
        if self.settings.redis_url:
            checks["redis"] = self._check_redis()
        failed = {name: state for name, state in checks.items() if state != "ok"}
        if not failed:
            return 200, {"status": "ready", "checks": checks}
        message = "Not ready: " + ", ".join(f"{name} {state}" for name, state in failed.items())
        return 503, self.product.render_error(ApiError(503, "unavailable", message))

    async def readiness_async(self):
        with anyio.move_on_after(READY_TIMEOUT):
            return await anyio.to_thread.run_sync(self.readiness, abandon_on_cancel=True)
        message = f"Not ready: checks took longer than {READY_TIMEOUT:g}s"
        return 503, self.product.render_error(ApiError(503, "unavailable", message))

    def _check_database(self):
        try:
            with self.product.database.engine.connect() as connection:
                current = {row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")}
        except Exception as exc:  # any failure to reach or read it means: not ready
            log.warning("readiness: database unavailable: %s", exc.__class__.__name__)
            return "unavailable"
        if current != self.heads():
            return "not migrated"
        return "ok"

    def heads(self):
        if self._heads is None:
            from alembic.script import ScriptDirectory

            from server.db import alembic_config

            script = ScriptDirectory.from_config(alembic_config(self.product.name, "sqlite://"))
            self._heads = set(script.get_heads())
        return self._heads

    def _check_redis(self):
        try:
            if self._redis is None:
                import redis

                self._redis = redis.Redis.from_url(self.settings.redis_url, socket_connect_timeout=2,
                                                   socket_timeout=2)
            self._redis.ping()
        except Exception as exc:
            log.warning("readiness: redis unavailable: %s", exc.__class__.__name__)
            return "unavailable"
        return "ok"

    def metrics_allowed(self, client_host):
        if self.metrics_networks is None:
            return True
        try:
            address = ipaddress.ip_address(client_host)
        except ValueError:
            return False
        return any(address in network for network in self.metrics_networks)

    def unknown_parameters(self, query_string):
        names = sorted({name for name, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)})
        problem = RequestValidationProblem([{"field": name, "location": "query",
                                             "message": f"Unknown query parameter '{name}'",
                                             "rule": "additionalProperties", "unexpected": [name]} for name in names]
                                           or [{"field": None, "location": "query",
                                                "message": "This operation takes no query string"}])
        return 400, self.product.render_error(normalize(problem))

    def not_found(self):
        return 404, self.product.render_error(ApiError(404, "route_not_found", "Not found"))

    # -- the ASGI piece --------------------------------------------------------------------------

    def middleware(self):
        """ASGI middleware answering GET/HEAD on the probe, metrics and ReDoc paths."""
        base = self.product.base_path
        operator = self
        routes = {f"{base}/livez": "operator.get_liveness", f"{base}/readyz": "operator.get_readiness",
                  f"{base}/metrics": "operator.get_metrics", f"{base}/redoc": None}

        class OperatorEndpoints:
            def __init__(self, app):
                self.app = app

            async def __call__(self, scope, receive, send):
                if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                        or scope["path"] not in routes):
                    await self.app(scope, receive, send)
                    return
                operation_id = routes[scope["path"]]
                if operation_id:
                    scope.setdefault("extensions", {})["connexion_routing"] = {"operation_id": operation_id}
                status, body, content_type = await operator.answer(scope)
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                        (b"cache-control", b"no-store")]})
                await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

        return OperatorEndpoints

    async def answer(self, scope):
        """(status, body bytes, content type) for one of the operator paths."""
        path = scope["path"][len(self.product.base_path):]
        if path == "/redoc":
            return 200, self.redoc_page, b"text/html; charset=utf-8"
        if scope.get("query_string"):  # none of these take parameters: refused as strict validation does
            status, body = self.unknown_parameters(scope["query_string"])
        elif path == "/metrics":
            if self.metrics_allowed((scope.get("client") or ("",))[0]):
                return 200, self.metrics.render(), METRICS_CONTENT_TYPE.encode()
            status, body = self.not_found()
        elif path == "/livez":
            status, body = self.liveness()
        else:
            status, body = await self.readiness_async()
        return status, self.jsonifier.dumps(body).encode(), b"application/json"


def _networks(allowed):
    """None for everyone (``*``), else the list of networks (empty: nobody)."""
    if "*" in allowed:
        return None
    return [ipaddress.ip_network(entry, strict=False) for entry in allowed]


# -- handlers for the documented operations (each product re-exports them) ----------------------------

def handlers_for(product_name):
    """(get_index, get_liveness, get_readiness, get_metrics) for ``handlers/<product>/operator.py``.
    GET and HEAD on the probe and metrics paths are answered by the ASGI piece before these run."""

    def operator():
        from server.app import load_product

        return load_product(product_name).runtime.operator

    def get_index():
        return operator().index_body, 200

    def get_liveness():
        status, body = operator().liveness()
        return body, status

    def get_readiness():
        status, body = operator().readiness()
        return body, status

    def get_metrics():
        current = operator()
        if not current.metrics_allowed((connexion_scope.get("client") or ("",))[0]):
            status, body = current.not_found()
            return body, status
        return ConnexionResponse(status_code=200, body=current.metrics.render(), content_type=METRICS_CONTENT_TYPE)

    return get_index, get_liveness, get_readiness, get_metrics
