"""A minimal product for the Socket.IO tests, served by the platform's runner in a subprocess:
``python -m tests.platform.realtime_app PORT``.

Tokens are ``good-<user id>``; ``boom`` makes the authenticator fail. Client events: ``register``
(token, allowed before authentication), ``echo`` (acknowledges, and emits ``echoed`` to the sender's
user room), ``join`` (a room). ``POST /emit`` emits from a Flask handler (a worker thread, as in the
products) and answers at once. Options come from the environment: ``RTDEMO_ANONYMOUS``,
``RTDEMO_SEND_LIMIT`` (per minute), plus the platform's ``REDIS_URL``, ``RATE_LIMITS``,
``RATE_LIMIT_PREFIX`` and ``SOCKETIO_CHANNEL_PREFIX``."""
import asyncio
import os
import sys
from types import SimpleNamespace

import flask
from a2wsgi import WSGIMiddleware

from models.errors import Forbidden
from server import observability
from server.ratelimit import Rule
from server.realtime import Hub, Realtime
from server.runner import GRACEFUL_TIMEOUT, _serve_together
from server.settings import Settings


def authenticate(token):
    if token == "boom":
        raise RuntimeError("the user store is down")
    return token.removeprefix("good-") if token.startswith("good-") else None


def register(hub):
    @hub.on("register", auth=False, limited=False)
    async def register_socket(sid, user_id, token=None):
        return {"user": await hub.authenticate(sid, token)}

    @hub.on("echo")
    async def echo(sid, user_id, data=None):
        if data == "forbidden":
            raise Forbidden("Not yours.")
        hub.emit("echoed", {"data": data}, to_users=[user_id])
        return {"echo": data}

    @hub.on("join", limited=False)
    async def join(sid, user_id, room):
        await hub.join(sid, room)
        return {"joined": room}


def app():
    observability.configure_logging()
    settings = Settings.from_env("rtdemo")
    limit = int(os.environ.get("RTDEMO_SEND_LIMIT") or 0)
    options = Realtime(register=register, authenticate=authenticate,
                       anonymous=os.environ.get("RTDEMO_ANONYMOUS") == "1",
                       send_rule=Rule("messaging", limit, 60) if limit else None)
    metrics = observability.Metrics("rtdemo")
    hub = Hub(SimpleNamespace(name="rtdemo"), options, settings, metrics)
    web = flask.Flask("rtdemo")

    @web.post("/emit")
    def emit():
        body = flask.request.get_json()
        hub.emit(body["event"], body["payload"], to_users=body.get("to_users", ()), room=body.get("room"))
        return {"emitted": body["event"]}

    @web.get("/metrics")
    def show_metrics():
        return metrics.render(), 200, {"Content-Type": observability.METRICS_CONTENT_TYPE}

    @web.get("/health")
    def health():
        return {"pid": os.getpid()}

    return hub.middleware()(WSGIMiddleware(web))


if __name__ == "__main__":
    observability.configure_logging()
    options = dict(app="tests.platform.realtime_app:app", factory=True, host="127.0.0.1", port=int(sys.argv[1]),
                   access_log=False, log_config=None, timeout_graceful_shutdown=GRACEFUL_TIMEOUT)
    sys.exit(asyncio.run(_serve_together([options])))
