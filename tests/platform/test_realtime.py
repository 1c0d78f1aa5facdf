"""Socket.IO on the API's port (server/realtime.py), end to end: a real python-socketio client against
the minimal product in ``tests/platform/realtime_app.py``, served by the platform's runner in
subprocesses. Two of them share a private Redis (a channel and rate-limit prefix of this run), as two
workers would; one has no Redis; one has a Redis that does not answer."""
import contextlib
import dataclasses
import json
import os
import queue
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import socketio

from server import observability
from server.realtime import Hub, Realtime
from server.settings import Settings
from tests.platform.services import PrivateRedis, free_port

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10


class AppServer:
    def __init__(self, tmp_path, name, env, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"{name}.log"
        environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")}
        environment.update({"DATA_DIR": str(tmp_path / "data"), "APP_ENV": "test", "RATE_LIMITS": "on", **env})
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "tests.platform.realtime_app", str(self.port)],
                                        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=self.log)

    def wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            time.sleep(0.05)
        raise AssertionError(f"not ready:\n{self.log_path.read_text()}")

    def emit(self, event, payload, **target):
        response = httpx.post(f"{self.url}/emit", json={"event": event, "payload": payload, **target}, timeout=5)
        assert response.status_code == 200, response.text
        assert response.json() == {"emitted": event}

    def connections(self):
        for line in httpx.get(f"{self.url}/metrics", timeout=5).text.splitlines():
            if line.startswith("socketio_connections "):
                return float(line.split()[1])
        raise AssertionError("no socketio_connections gauge")

    def wait_log(self, text):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if text in self.log_path.read_text():
                return
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not logged:\n{self.log_path.read_text()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Client:
    """A Socket.IO client whose received events queue up for :meth:`wait_for`."""

    def __init__(self, server, token=None, *, transports=("websocket",), reconnection=False, **connect):
        self.events = queue.Queue()
        self.sio = socketio.Client(reconnection=reconnection, reconnection_delay=0.1, reconnection_delay_max=0.2)
        self.sio.on("connect", lambda: self.events.put(("connect", None)))
        self.sio.on("*", lambda event, *args: self.events.put((event, args[0] if len(args) == 1 else args)))
        self.sio.on("connect_error", lambda data: self.events.put(("connect_error", data)))
        self.sio.on("disconnect", lambda *args: self.events.put(("disconnect", args)))
        auth = {"token": token} if token else None
        self.sio.connect(server.url, auth=auth, transports=list(transports), wait_timeout=TIMEOUT, **connect)

    def call(self, event, *args):
        return self.sio.call(event, args[0] if len(args) == 1 else args, timeout=TIMEOUT)

    def wait_for(self, event):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                name, data = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {event!r} within {TIMEOUT}s") from None
            if name == event:
                return data

    def received(self):
        """Events received so far (after a round trip, everything emitted before it has arrived)."""
        items = []
        while not self.events.empty():
            items.append(self.events.get())
        return [item for item in items if item[0] != "connect"]

    def close(self):
        self.sio.disconnect()


def user():
    return uuid.uuid4().hex[:12]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("realtime")
    redis_server = PrivateRedis(tmp_path).start()
    run = uuid.uuid4().hex[:8]
    shared = {"REDIS_URL": redis_server.url, "SOCKETIO_CHANNEL_PREFIX": f"socketio-test-{run}",
              "RATE_LIMIT_PREFIX": f"rl-test-{run}", "RTDEMO_SEND_LIMIT": "3"}
    started = {
        "a": AppServer(tmp_path, "worker-a", shared),
        "b": AppServer(tmp_path, "worker-b", shared),
        "local": AppServer(tmp_path, "local", {"RTDEMO_ANONYMOUS": "1", "RTDEMO_SEND_LIMIT": "3"}),
        "no_redis": AppServer(tmp_path, "no-redis", {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}),
    }
    try:
        for server in started.values():
            server.wait_ready()
        yield SimpleNamespace(**started)
    finally:
        for server in started.values():
            server.stop()
        redis_server.stop()


@pytest.fixture
def clients():
    opened = []

    def connect(*args, **kwargs):
        client = Client(*args, **kwargs)
        opened.append(client)
        return client

    yield connect
    for client in opened:
        client.close()


class TestAuthentication:
    def test_token_in_the_auth_payload(self, servers, clients):
        me = user()
        client = clients(servers.local, f"good-{me}")
        servers.local.emit("notification", {"id": 1}, to_users=[me])
        assert client.wait_for("notification") == {"id": 1}

    def test_token_in_the_authorization_header(self, servers, clients):
        me = user()
        client = clients(servers.local, headers={"Authorization": f"Bearer good-{me}"})
        servers.local.emit("notification", {"id": 2}, to_users=[me])
        assert client.wait_for("notification") == {"id": 2}

    def test_token_in_the_query(self, servers, clients):
        me = user()
        client = clients(SimpleNamespace(url=f"{servers.a.url}?token=good-{me}"))
        assert client.call("echo", "hi") == {"echo": "hi"}

    @pytest.mark.parametrize("token, message", [("bad", "Invalid token."), ("boom", "Invalid token."),
                                                (None, "Authentication required.")])
    def test_refused(self, servers, token, message):
        refused = socketio.Client(reconnection=False)
        errors = queue.Queue()
        refused.on("connect_error", errors.put)
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect(servers.a.url, auth={"token": token} if token else None, transports=["websocket"],
                            wait_timeout=TIMEOUT)
        assert errors.get(timeout=TIMEOUT) == {"message": message}

    def test_failing_authenticator_is_logged_and_the_server_goes_on(self, servers, clients):
        with pytest.raises(socketio.exceptions.ConnectionError):
            clients(servers.b, "boom")
        servers.b.wait_log("authentication failed")
        assert clients(servers.b, f"good-{user()}").call("echo", 1) == {"echo": 1}

    def test_anonymous_socket_may_only_authenticate(self, servers, clients):
        me = user()
        client = clients(servers.local)
        refusal = {"event": "echo", "code": "UNAUTHENTICATED", "message": "Authentication required."}
        assert client.call("echo", "hi") == refusal
        assert client.wait_for("error") == refusal
        assert client.call("register", "bad") == {"user": None}
        assert client.call("register", f"good-{me}") == {"user": me}
        assert client.call("echo", "hi") == {"echo": "hi"}
        assert client.wait_for("echoed") == {"data": "hi"}


class TestDelivery:
    def test_emit_from_a_request_thread_reaches_every_socket_of_the_user_only(self, servers, clients):
        me, other = user(), user()
        phone, laptop = clients(servers.local, f"good-{me}"), clients(servers.local, f"good-{me}")
        stranger = clients(servers.local, f"good-{other}")
        servers.local.emit("newMessage", {"conversationId": "c1", "message": {"text": "hi"}}, to_users=[me])
        for client in (phone, laptop):
            assert client.wait_for("newMessage") == {"conversationId": "c1", "message": {"text": "hi"}}
        stranger.call("join", "round-trip")  # everything emitted before has arrived by now
        assert stranger.received() == []

    def test_room(self, servers, clients):
        member, outsider = clients(servers.local, f"good-{user()}"), clients(servers.local, f"good-{user()}")
        assert member.call("join", "conversation:7") == {"joined": "conversation:7"}
        servers.local.emit("typing", {"conversationId": "7"}, room="conversation:7")
        assert member.wait_for("typing") == {"conversationId": "7"}
        outsider.call("join", "elsewhere")
        assert outsider.received() == []

    def test_events_keep_their_order(self, servers, clients):
        me = user()
        client = clients(servers.a, f"good-{me}")
        for number in range(5):
            servers.a.emit("n", number, to_users=[me])
        assert [client.wait_for("n") for _ in range(5)] == [0, 1, 2, 3, 4]

    def test_domain_error_answers_the_event(self, servers, clients):
        client = clients(servers.b, f"good-{user()}")
        expected = {"event": "echo", "code": "FORBIDDEN", "message": "Not yours."}
        assert client.call("echo", "forbidden") == expected
        assert client.wait_for("error") == expected
        assert client.call("echo", "still here") == {"echo": "still here"}


class TestAcrossWorkers:
    def test_emitted_in_one_worker_delivered_by_another(self, servers, clients):
        me = user()
        on_a = clients(servers.a, f"good-{me}")
        on_b = clients(servers.b, f"good-{me}")
        servers.b.emit("notification", {"from": "b"}, to_users=[me])
        assert on_a.wait_for("notification") == {"from": "b"}
        assert on_b.wait_for("notification") == {"from": "b"}
        servers.a.emit("notification", {"from": "a"}, to_users=[me])
        assert on_b.wait_for("notification") == {"from": "a"}

    def test_redis_down_delivers_locally_and_the_request_succeeds(self, servers, clients):
        me = user()
        client = clients(servers.no_redis, f"good-{me}")
        servers.no_redis.emit("notification", {"id": 3}, to_users=[me])
        assert client.wait_for("notification") == {"id": 3}
        servers.no_redis.emit("notification", {"id": 4}, to_users=[me])
        assert client.wait_for("notification") == {"id": 4}
        servers.no_redis.wait_log("Redis unavailable")


class TestRateLimit:
    def test_past_the_limit_the_client_gets_an_error_event_and_stays_connected(self, servers, clients):
        client = clients(servers.local, f"good-{user()}")
        assert [client.call("echo", n) for n in range(3)] == [{"echo": 0}, {"echo": 1}, {"echo": 2}]
        refusal = client.call("echo", 3)
        assert refusal == {"event": "echo", "code": "RATE_LIMITED", "message": "Too many messages, slow down.",
                           "retryAfter": refusal["retryAfter"]}
        assert 1 <= refusal["retryAfter"] <= 60
        assert client.wait_for("error") == refusal
        assert client.call("join", "x") == {"joined": "x"}  # not counted, and the socket is up

    def test_counts_are_shared_by_workers(self, servers, clients):
        me = user()
        on_a, on_b = clients(servers.a, f"good-{me}"), clients(servers.b, f"good-{me}")
        assert on_a.call("echo", 1) == {"echo": 1}
        assert on_b.call("echo", 2) == {"echo": 2}
        assert on_a.call("echo", 3) == {"echo": 3}
        assert on_b.call("echo", 4)["code"] == "RATE_LIMITED"


class TestOperator:
    def test_gauge_and_logs_with_the_handshake_request_id(self, servers):
        client = Client(servers.b, f"good-{user()}", headers={"X-Request-ID": "rt-handshake-1"})
        before = servers.b.connections()
        assert before >= 1
        servers.b.wait_log("[rt-handshake-1] socket ")
        client.close()
        deadline = time.monotonic() + TIMEOUT
        while servers.b.connections() != before - 1:
            assert time.monotonic() < deadline, "gauge did not go down"
            time.sleep(0.05)
        servers.b.wait_log("disconnected (")  # client disconnect or transport close: whichever the server saw first

    def test_refusal_is_logged(self, servers):
        with pytest.raises(socketio.exceptions.ConnectionError):
            Client(servers.local, "bad", headers={"X-Request-ID": "rt-refused-1"})
        servers.local.wait_log("[rt-refused-1] socket ")
        assert "token refused" in servers.local.log_path.read_text()


class TestShutdown:
    def test_sigterm_ends_long_polls_the_server_exits_and_clients_reconnect(self, tmp_path):
        server = AppServer(tmp_path, "stopping", {}).wait_ready()
        restarted = None
        try:
            on_websocket = Client(server, f"good-{user()}", reconnection=True)
            on_polling = Client(server, f"good-{user()}", transports=("polling",))
            server.process.send_signal(signal.SIGTERM)
            for client in (on_websocket, on_polling):
                assert client.wait_for("disconnect")  # long-polls end at once, not at the next ping
            assert server.process.wait(timeout=TIMEOUT) == 0
            assert "2 socket(s) to reconnect elsewhere" in server.log_path.read_text()
            restarted = AppServer(tmp_path, "restarted", {}, port=server.port).wait_ready()
            on_websocket.wait_for("connect")  # a transport close, not a Socket.IO disconnect: it comes back
            assert on_websocket.call("echo", "back") == {"echo": "back"}
        finally:
            server.stop()
            if restarted is not None:
                on_websocket.close()
                restarted.stop()


class TestAppFactory:
    """``Product(realtime=...)``: the app factory mounts Socket.IO in front of the product's API."""

    @pytest.fixture
    def app(self, monkeypatch, tmp_path):
        from models.session import Database
        from server import app as factory
        from server.products import ionora

        product = dataclasses.replace(
            ionora.PRODUCT, database=Database("ionora-realtime"), configure=None, runtime=SimpleNamespace(),
            realtime=Realtime(register=lambda hub: None, authenticate=lambda token: token.removeprefix("good-") or None))
        monkeypatch.setattr(factory, "load_product", lambda name: product)
        settings = Settings.from_env("ionora", env={"IONORA_DATABASE_URL": f"sqlite:///{tmp_path / 'ionora.db'}",
                                                    "DATA_DIR": str(tmp_path)})
        app = factory.create_app("ionora", settings)
        yield app, product
        product.database.engine.dispose()

    def test_socketio_and_the_api_on_one_app(self, app):
        app, product = app
        with app.test_client() as client:
            opened = client.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
            assert opened.status_code == 200 and opened.text.startswith("0{")
            sid = json.loads(opened.text[1:])["sid"]
            poll = {"EIO": "4", "transport": "polling", "sid": sid}
            assert client.post("/socket.io/", params=poll, content='40{"token":"good-9"}').text == "OK"
            assert client.get("/socket.io/", params=poll).text.startswith("40{")
            assert product.runtime.realtime.user_of(next(iter(product.runtime.realtime.sockets))) == "9"
            assert client.get("/api/openapi.json").status_code == 200
            assert client.get("/api/nothing-here").status_code == 404


class TestHub:
    """In-process: what the products' HTTP tests rely on."""

    @pytest.fixture
    def hub(self):
        settings = Settings.from_env("rtdemo", env={})
        return Hub(SimpleNamespace(name="rtdemo"), Realtime(register=lambda hub: None, authenticate=lambda t: None),
                   settings, observability.Metrics("rtdemo"))

    def test_recording_and_not_serving(self, hub):
        with hub.recording() as sent:
            hub.emit("newMessage", {"id": 1}, to_users=["u1", "u2"], room="conversation:1")
            hub.emit("user_online", {"userId": "u1"}, broadcast=True)
        assert sent == [("newMessage", {"id": 1}, ["user:u1", "user:u2", "conversation:1"]),
                        ("user_online", {"userId": "u1"}, None)]

    def test_emit_needs_a_target(self, hub):
        with pytest.raises(ValueError):
            hub.emit("newMessage", {})
