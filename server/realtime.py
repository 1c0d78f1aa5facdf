"""Socket.IO for a product, on the API's own port at ``/socket.io/`` (python-socketio's ``AsyncServer``).

A product opts in with ``Product(realtime=Realtime(register=..., authenticate=...))``. The app factory
builds a :class:`Hub` (``product.runtime.realtime``) and mounts it in front of the API.

- **Authentication.** A client presents a token when it connects: the Socket.IO ``auth`` payload
  ``{"token": ...}``, an ``Authorization: Bearer`` header or a ``?token=`` query parameter. The product's
  ``authenticate(token)`` returns the user id (or None to refuse; a plain function runs in a worker thread,
  a coroutine function on the loop). A refused or missing token refuses the connection (``connect_error``)
  unless the product allows ``anonymous`` sockets: those connect, and may only use events declared
  ``auth=False`` until the product calls :meth:`Hub.authenticate`. Every authenticated socket is in the
  room ``user:<id>``.
- **Client events.** ``@hub.on("event")`` handlers are coroutines ``(sid, user_id, *args)``; their return
  value is the client's acknowledgement. Before a handler runs the hub checks authentication and counts the
  send against the product's ``send_rule`` (per user, per socket before authentication; counted in Redis
  with ``REDIS_URL``, like HTTP rate limits). A refusal, a domain error or a failure is answered with the
  product's ``error_event`` (default ``error``) ``{"event", "code", "message", ...}``; the socket stays up.
- **Emitting.** :meth:`Hub.emit` may be called from any thread (Flask handlers run in worker threads):
  it hands the event to the server's event loop, where one sender task delivers events in the order they
  were emitted. With ``REDIS_URL`` the server uses a Redis manager (channel ``socketio-<product>``), so an
  event reaches the sockets of every worker; if Redis fails, the event still reaches this worker's sockets,
  the failure is logged, and the caller never sees it.
- **Operators.** ``socketio_connections`` (live sockets, summed over workers) in ``/metrics``; a log line per
  connect, disconnect and refused authentication, with the handshake's request id. On shutdown the runner
  calls :func:`close_all` (see :meth:`Hub.close`): sockets are closed at the transport level, so clients
  reconnect (to another worker) by themselves.
"""
import asyncio
import contextlib
import inspect
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import socketio
from prometheus_client import Gauge
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from socketio.exceptions import ConnectionRefusedError as Refused

from models.errors import DomainError
from server.errors import RateLimited
from server.observability import REQUEST_ID, request_id_for
from server.ratelimit import Limiter, Rule

log = logging.getLogger("server.realtime")

PATH = "socket.io"
REDIS_TIMEOUT = 0.5    # seconds one publish may take before the event is kept to this worker
RETRY_INTERVAL = 5.0   # seconds between publish attempts while Redis is failing
DRAIN_TIMEOUT = 5.0    # seconds shutdown waits for queued events
_ERROR_CODES = {"NotFound": "NOT_FOUND", "Conflict": "CONFLICT", "RuleViolation": "RULE_VIOLATION",
                "InvalidInput": "INVALID_INPUT", "Unauthorized": "UNAUTHENTICATED", "Forbidden": "FORBIDDEN",
                "UpstreamFailure": "UPSTREAM_FAILURE"}
_hubs = weakref.WeakSet()  # live hubs of this process, closed by close_all()


def user_room(user_id):
    return f"user:{user_id}"


@dataclass(frozen=True)
class Realtime:
    """What a product declares: its handlers and how a token becomes a user id."""
    register: Callable            # (hub) -> None: declares the product's events with @hub.on(...)
    authenticate: Callable        # (token) -> user id or None; plain (run in a thread) or coroutine function
    anonymous: bool = False       # sockets may connect without a token (then only auth=False events)
    send_rule: Rule | None = None  # client sends counted per user (e.g. Rule("messaging", 30, 60))
    error_event: str = "error"
    render_error: Callable | None = None  # (event, code, message, details) -> payload; default a flat dict
    presence: Callable | None = None  # async (hub, user_id, online): a user's first socket on this worker
    #                                   authenticated (True) / its last one here gone (False)


@dataclass
class _Socket:
    user: object = None
    request_id: str = "-"
    rooms: set = field(default_factory=set)


class Hub:
    """One product's Socket.IO server in this process."""

    def __init__(self, product, options, settings, metrics, *, json=None):
        self.product = product.name
        self.options = options
        manager = None
        if settings.redis_url:
            manager = _SharedManager(settings.redis_url, channel=f"{settings.socketio_channel_prefix}-{product.name}")
        self.sio = socketio.AsyncServer(async_mode="asgi", client_manager=manager, json=json,
                                        cors_allowed_origins=_origin_check(settings.cors_origins))
        self.limiter = None
        if options.send_rule is not None and settings.rate_limits:
            self.limiter = Limiter([options.send_rule], redis_url=settings.redis_url,
                                   prefix=f"{settings.rate_limit_prefix}:socket", scale=settings.rate_limit_scale)
        self.connections = Gauge("socketio_connections", "Socket.IO clients connected",
                                 registry=metrics.registry, multiprocess_mode="livesum")
        self.sockets = {}          # sid -> _Socket, for the sockets connected to this process
        self.loop = None           # the serving loop (seen on every ASGI call)
        self._queue = None
        self._sender = None
        self._recorders = []
        self.sio.on("connect", self._connect)
        self.sio.on("disconnect", self._disconnect)
        options.register(self)
        _hubs.add(self)

    # -- serving ---------------------------------------------------------------------------------------

    def middleware(self):
        """An ASGI middleware class for the app factory: ``/socket.io/`` here, everything else onwards."""
        hub = self

        class RealtimeMiddleware:
            def __init__(self, app):
                self.app = socketio.ASGIApp(hub.sio, other_asgi_app=app, socketio_path=PATH)

            async def __call__(self, scope, receive, send):
                hub.loop = asyncio.get_running_loop()
                await self.app(scope, receive, send)

        return RealtimeMiddleware

    async def close(self):
        """Shutdown, before uvicorn's: queued events go out, then long-polling clients get an Engine.IO
        close so their pending poll ends now (uvicorn waits for open requests) and they reconnect;
        websockets are left to uvicorn, which closes them with 1012 (a transport close: clients
        reconnect, to another worker). No Socket.IO disconnect: that would stop clients reconnecting."""
        if self._queue is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DRAIN_TIMEOUT):
                    await self._queue.join()
        if self.sockets:
            log.info("%s: %d socket(s) to reconnect elsewhere", self.product, len(self.sockets))
        polling = [s for s in self.sio.eio.sockets.values() if not s.upgraded and not s.closed]
        for socket in polling:
            await socket.close(wait=False, reason=self.sio.eio.reason.SERVER_DISCONNECT)
        if self._sender is not None:
            self._sender.cancel()
        await self.sio.shutdown()

    # -- connections -----------------------------------------------------------------------------------

    async def _connect(self, sid, environ, auth):
        request_id = request_id_for(environ.get("asgi.scope", {})).decode()
        with _logging_as(request_id):
            token = _token(auth, environ)
            user = None
            if token is not None:
                user = await self._user_for(token, sid)
                if user is None:
                    raise Refused("Invalid token.")
            elif not self.options.anonymous:
                log.info("socket %s refused: no token", sid)
                raise Refused("Authentication required.")
            self.sockets[sid] = _Socket(request_id=request_id)
            if user is not None:
                await self._join_user(sid, user)
            self.connections.inc()
            log.info("socket %s connected (%s)", sid, f"user {user}" if user is not None else "anonymous")

    async def _disconnect(self, sid, reason=None):
        socket = self.sockets.pop(sid, None)
        if socket is None:
            return
        self.connections.dec()
        with _logging_as(socket.request_id):
            log.info("socket %s disconnected (%s)", sid, reason or "-")
            if socket.user is not None and not self._sockets_of(socket.user):
                await self._presence(socket.user, False)

    async def _user_for(self, token, sid):
        authenticate = self.options.authenticate
        try:
            if inspect.iscoroutinefunction(authenticate):
                user = await authenticate(token)
            else:
                user = await asyncio.to_thread(authenticate, token)
        except Exception:  # noqa: BLE001 - a failing check refuses the token, it never breaks the server
            log.exception("socket %s: authentication failed", sid)
            return None
        if user is None:
            log.warning("socket %s: token refused", sid)
        return user

    async def _join_user(self, sid, user):
        socket = self.sockets[sid]
        if socket.user is not None and socket.user != user:
            await self.sio.leave_room(sid, user_room(socket.user))
        first = socket.user != user and not self._sockets_of(user)
        socket.user = user
        await self.sio.enter_room(sid, user_room(user))
        if first:
            await self._presence(user, True)

    def _sockets_of(self, user):
        return [sid for sid, socket in self.sockets.items() if socket.user == user]

    async def _presence(self, user, online):
        if self.options.presence is None:
            return
        try:
            await self.options.presence(self, user, online)
        except Exception:  # noqa: BLE001 - presence is best effort, never a failed connection
            log.exception("%s: presence of %s failed", self.product, user)

    async def authenticate(self, sid, token):
        """Authenticate a connected socket (an ``auth=False`` event such as a ``register`` carrying a
        token): returns the user id, now in room ``user:<id>``, or None when the token is refused."""
        if sid not in self.sockets or not isinstance(token, str) or not token:
            return None
        user = await self._user_for(token.removeprefix("Bearer ").strip(), sid)
        if user is not None and sid in self.sockets:
            await self._join_user(sid, user)
            log.info("socket %s authenticated (user %s)", sid, user)
        return user

    def user_of(self, sid):
        socket = self.sockets.get(sid)
        return socket.user if socket else None

    async def join(self, sid, room):
        await self.sio.enter_room(sid, room)

    async def leave(self, sid, room):
        await self.sio.leave_room(sid, room)

    # -- client events ---------------------------------------------------------------------------------

    def on(self, event, *, auth=True, limited=True):
        """Declare a client event: ``@hub.on("typing_start") async def typing(sid, user_id, data): ...``.
        ``auth=False`` lets unauthenticated sockets send it; ``limited=False`` does not count it against
        the product's ``send_rule``."""

        def declare(handler):
            async def dispatch(sid, *args):
                socket = self.sockets.get(sid)
                if socket is None:
                    return None
                with _logging_as(socket.request_id):
                    if auth and socket.user is None:
                        return await self.refuse(sid, event, "UNAUTHENTICATED", "Authentication required.")
                    if limited and self.limiter is not None:
                        key = user_room(socket.user) if socket.user is not None else f"sid:{sid}"
                        try:
                            await self.limiter.hit(key, event, "EMIT")
                        except RateLimited as exc:
                            return await self.refuse(sid, event, "RATE_LIMITED", "Too many messages, slow down.",
                                                     retryAfter=exc.retry_after)
                    try:
                        return await handler(sid, socket.user, *args)
                    except DomainError as exc:
                        code = exc.code or _ERROR_CODES.get(type(exc).__name__, "INVALID")
                        return await self.refuse(sid, event, code, exc.message,
                                                 **({"field": exc.field} if exc.field else {}))
                    except Exception:  # noqa: BLE001 - one failed event never takes the socket down
                        log.exception("socket %s: %s failed", sid, event)
                        return await self.refuse(sid, event, "INTERNAL", "Internal server error.")

            self.sio.on(event, dispatch)
            return handler

        return declare

    async def refuse(self, sid, event, code, message, **details):
        """Answer a client's event with the product's error event; returns the same body (the ack)."""
        render = self.options.render_error
        body = render(event, code, message, details) if render else {"event": event, "code": code,
                                                                   "message": message, **details}
        await self.sio.emit(self.options.error_event, body, to=sid)
        return body

    @staticmethod
    async def run_sync(function, *args):
        """Run blocking work (database) from an event handler in a worker thread."""
        return await asyncio.to_thread(function, *args)

    # -- emitting --------------------------------------------------------------------------------------

    def emit(self, event, payload, *, to_users=(), room=None, skip_sid=None, broadcast=False):
        """Send ``event`` to the users' sockets and/or ``room`` (a name or a list), on every worker;
        ``broadcast=True`` sends to everyone. Callable from any thread or from the loop, after the
        commit; returns at once and never raises for delivery problems."""
        rooms = [user_room(u) for u in to_users] + ([room] if isinstance(room, str) else list(room or ()))
        if not rooms and not broadcast:
            raise ValueError("emit: name to_users, room, or broadcast=True")
        for record in self._recorders:
            record.append((event, payload, None if broadcast else rooms))
        loop = self.loop
        if loop is None:
            log.debug("%s not sent: not serving", event)
            return
        try:
            loop.call_soon_threadsafe(self._enqueue, (event, payload, None if broadcast else rooms, skip_sid))
        except RuntimeError:  # the loop has closed (shutdown)
            log.warning("%s not sent: the server is stopping", event)

    @contextlib.contextmanager
    def recording(self):
        """Tests: ``with hub.recording() as sent:`` collects every emit as (event, payload, rooms)."""
        sent = []
        self._recorders.append(sent)
        try:
            yield sent
        finally:
            self._recorders.remove(sent)

    def _enqueue(self, item):
        if self._sender is None or self._sender.done():
            self._queue = asyncio.Queue()
            self._sender = asyncio.get_running_loop().create_task(self._send_all(self._queue))
        self._queue.put_nowait(item)

    async def _send_all(self, queue):
        while True:
            event, payload, rooms, skip_sid = await queue.get()
            try:
                await self.sio.emit(event, payload, to=rooms, skip_sid=skip_sid)
            except Exception:  # noqa: BLE001 - a failed delivery is logged, the next event still goes
                log.exception("%s: emitting %s failed", self.product, event)
            finally:
                queue.task_done()


class _SharedManager(socketio.AsyncRedisManager):
    """The Redis manager with bounded publishes: a publish that fails or takes longer than
    ``REDIS_TIMEOUT`` is logged once, this worker's sockets have the event already, and Redis is tried
    again after ``RETRY_INTERVAL`` seconds (until then events stay in this worker)."""

    def __init__(self, url, channel):
        super().__init__(url, channel=channel, redis_options={
            "socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT, "retry": Retry(NoBackoff(), 0)})
        self._down_until = 0.0

    async def _publish(self, data):
        if time.monotonic() < self._down_until:
            return None
        try:
            async with asyncio.timeout(REDIS_TIMEOUT * 2):
                if not self.connected:
                    self._redis_connect()
                published = await self.redis.publish(self.channel, self.json.dumps(data))
        except Exception as exc:  # noqa: BLE001 - Redis trouble keeps events local, never fails the emit
            self.connected = False
            if not self._down_until:
                log.warning("realtime: Redis unavailable (%s); events reach this worker's sockets only",
                            f"{type(exc).__name__}: {exc}" if str(exc) else "timeout")
            self._down_until = time.monotonic() + RETRY_INTERVAL
            return None
        if self._down_until:
            self._down_until = 0.0
            log.warning("realtime: Redis answers again; events reach every worker")
        return published


async def close_all():
    """Close the realtime servers of this process (the runner calls this when a server stops)."""
    for hub in list(_hubs):
        try:
            await hub.close()
        except Exception:  # noqa: BLE001 - shutting down goes on
            log.exception("%s: closing the realtime server failed", hub.product)


def _origin_check(origins):
    """Browsers' ``Origin``: the API's own origin (a native client's websocket names the host it calls)
    and the ``CORS_ORIGINS`` web clients, as for HTTP."""
    listed = set(origins)

    def allowed(origin, environ):
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return "*" in listed or origin in listed or origin == own or origin == own.replace("http", "ws", 1)

    return allowed


def _token(auth, environ):
    """The bearer token from the ``auth`` payload, the Authorization header or ``?token=``, or None."""
    candidates = []
    if isinstance(auth, dict):
        candidates.append(auth.get("token"))
    elif isinstance(auth, str):
        candidates.append(auth)
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        candidates.append(header[7:])
    candidates.extend(parse_qs(environ.get("QUERY_STRING", "")).get("token", []))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.removeprefix("Bearer ").strip()
    return None


@contextlib.contextmanager
def _logging_as(request_id):
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)
