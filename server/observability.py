"""What operators see of every product: request ids, one log format, Prometheus metrics.

- **Request id.** ``X-Request-ID`` from the request when it is 1-128 safe characters (letters, digits,
  ``._:/+=@-``), else a new random one; it is returned on every response and set in a context variable
  that a logging filter copies onto every log record made while the request runs (``%(request_id)s``).
- **Logs.** One format for every process, the CLI and each worker: human-readable lines by default, one
  JSON object per line with ``LOG_FORMAT=json``; ``LOG_LEVEL`` (default ``INFO``). Alembic's and httpx's
  chatter stays below INFO.
- **Metrics.** Per product: requests and latency by operation (the operationId Connexion routed to, or
  ``unrouted``) and status, database pool use, live workers. With several worker processes the runner
  sets ``PROMETHEUS_MULTIPROC_DIR`` (one directory per product) and ``/metrics`` adds up every worker.

The request hooks are two plain functions (:func:`request_started`, :func:`request_finished`) so that
any ASGI middleware can call them; :func:`telemetry_middleware` is the small one the app factory uses.
"""
import contextvars
import datetime as dt
import itertools
import json
import logging
import os
import re
import secrets
import sys
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client import CONTENT_TYPE_LATEST

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(rb"[A-Za-z0-9._:/+=@-]{1,128}")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUIET_LOGGERS = ("alembic", "connexion", "httpx", "httpcore", "multipart")


# -- request id ------------------------------------------------------------------------------------

def request_id_for(scope):
    """The request's ``X-Request-ID`` if it is safe to echo and log, else a new one (bytes)."""
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER:
            if _SAFE_ID.fullmatch(value):
                return value
            break
    return _new_id()


_ids = {"pid": None}


def _new_id():
    """32 hex digits: a random prefix per process and a counter (unique, and cheaper than 16 random bytes)."""
    if _ids["pid"] != os.getpid():
        _ids.update(pid=os.getpid(), prefix=secrets.token_hex(8), counter=itertools.count(1))
    return f"{_ids['prefix']}{next(_ids['counter']):016x}".encode()


def request_started(scope):
    """Call when a request arrives: returns the state :func:`request_finished` needs."""
    request_id = request_id_for(scope)
    scope.setdefault("extensions", {})  # shared with the copies Connexion's router makes: it puts its result here
    return request_id, REQUEST_ID.set(request_id.decode()), time.perf_counter()


def with_request_id(message, state):
    """``http.response.start`` message with ``X-Request-ID`` added to its headers."""
    message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER, state[0])]
    return message


def request_finished(metrics, scope, status, state):
    """Call when the response is done (or failed): count it and leave the request's log context."""
    try:
        if metrics is not None:
            metrics.record(scope, status, time.perf_counter() - state[2])
    finally:
        REQUEST_ID.reset(state[1])


def telemetry_middleware(metrics):
    """ASGI middleware: request id in and out, and one metrics observation per HTTP request."""

    class TelemetryMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            state = request_started(scope)
            status = 500

            async def send_with_id(message):
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    with_request_id(message, state)
                await send(message)

            try:
                await self.app(scope, receive, send_with_id)
            finally:
                request_finished(metrics, scope, status, state)

    return TelemetryMiddleware


# -- logging ---------------------------------------------------------------------------------------

class RequestIdFilter(logging.Filter):
    """Puts the current request's id (``-`` outside requests) on every record as ``request_id``."""

    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, process (+ exception)."""

    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def log_settings(env=None):
    """(format, level) from ``LOG_FORMAT`` (text | json) and ``LOG_LEVEL``; ValueError names a bad value."""
    env = os.environ if env is None else env
    fmt = (env.get("LOG_FORMAT") or "text").strip().lower()
    if fmt not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be text or json, not {fmt!r}")
    level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    return fmt, level


def configure_logging(env=None, stream=None):
    """The one logging set-up of every process (CLI, single server, each worker). Idempotent."""
    fmt, level = log_settings(env)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    for name in ("uvicorn", "uvicorn.error"):  # no handlers of their own: ours
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # One access line per request, server.access's (it sees error responses and carries the duration);
    # uvicorn's own would repeat it at a cost of CPU per request.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
    return handler


# -- metrics ---------------------------------------------------------------------------------------

def multiprocess_dir():
    return os.environ.get(MULTIPROC_ENV) or None


class Metrics:
    """One product's metrics, in a registry of its own (several products may share a process)."""

    def __init__(self, product):
        self.product = product
        self.registry = CollectorRegistry()
        labels = ("operation", "status")
        self.requests = Counter("http_requests", "HTTP requests answered, by operation and status",
                                labels, registry=self.registry)
        self.latency = Histogram("http_request_duration_seconds", "Time to answer, by operation and status",
                                 labels, buckets=LATENCY_BUCKETS, registry=self.registry)
        self.pool_in_use = Gauge("db_pool_connections_in_use", "Database connections checked out of the pool",
                                 registry=self.registry, multiprocess_mode="livesum")
        self.pool_size = Gauge("db_pool_size", "Database connections the pool keeps (per worker, summed)",
                               registry=self.registry, multiprocess_mode="livesum")
        self.workers = Gauge("server_workers", "Processes serving this product",
                             registry=self.registry, multiprocess_mode="livesum")
        self.workers.set(1)
        self._children = {}
        self._resolved_prefix = f"handlers.{product}."  # Connexion reports the resolved handler path

    def record(self, scope, status, seconds):
        routing = scope.get("extensions", {}).get("connexion_routing") or {}
        key = (routing.get("operation_id"), status)
        children = self._children.get(key)
        if children is None:  # once per (operation, status): the label is the spec's operationId
            operation = (key[0] or "unrouted").removeprefix(self._resolved_prefix)
            children = self._children[key] = (self.requests.labels(operation, str(status)),
                                              self.latency.labels(operation, str(status)))
        children[0].inc()
        children[1].observe(seconds)

    def watch_pool(self, engine):
        """Count the engine's pooled connections in and out (SQLAlchemy pool events)."""
        from sqlalchemy import event

        size = getattr(engine.pool, "size", None)
        self.pool_size.set(size() if callable(size) else 0)
        event.listen(engine, "checkout", lambda *_: self.pool_in_use.inc())
        event.listen(engine, "checkin", lambda *_: self.pool_in_use.dec())

    def render(self):
        """The exposition text: this process's registry, or every worker's files in multiprocess mode."""
        path = multiprocess_dir()
        if path:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=path)
            return generate_latest(registry)
        return generate_latest(self.registry)


def prepare_multiprocess_dir(path):
    """Create ``path`` empty (files left by a previous run would be added to this one's counts)."""
    import shutil

    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    return path


def worker_exited(pid):
    """Drop a dead worker's live gauges (its counters stay in the totals)."""
    path = multiprocess_dir()
    if path:
        multiprocess.mark_process_dead(pid, path)
