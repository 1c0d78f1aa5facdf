"""Chatting in real time, end to end: Diora served by ``python -m server serve`` in subprocesses (two
servers sharing one SQLite file and a private Redis, as two workers would), real python-socketio clients,
and the REST history agreeing with what the sockets received."""
import contextlib
import os
import queue
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import socketio
from sqlalchemy import create_engine, text

from tests.platform.services import PrivateRedis, free_port

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10


class Served:
    """``python -m server serve diora`` on a free port."""

    def __init__(self, tmp_path, name, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"{name}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "diora", "--port", str(self.port), "--workers", "1", "--no-seed",
             "--no-jobs"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True)

    def wait_ready(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/readyz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.05)
        raise AssertionError(f"not ready:\n{self.log_path.read_text()}")

    def api(self, method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.request(method, f"{self.url}/api{path}", headers=headers, timeout=10, **kwargs)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Client:
    """A Socket.IO client whose events queue up for :meth:`wait_for`."""

    def __init__(self, server, token=None):
        self.events = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", lambda event, *args: self.events.put((event, args[0] if len(args) == 1 else args)))
        self.sio.connect(server.url, auth={"token": token} if token else None, transports=["websocket"],
                         wait_timeout=TIMEOUT)

    def call(self, event, data=None):
        return self.sio.call(event, data, timeout=TIMEOUT)

    def wait_for(self, event):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                name, data = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {event!r} within {TIMEOUT}s") from None
            if name == event:
                return data

    def received(self, event):
        """The ``event``s received so far (call after a round trip: everything sent before it is here)."""
        items = []
        while not self.events.empty():
            items.append(self.events.get())
        return [data for name, data in items if name == event]

    def close(self):
        self.sio.disconnect()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("diora-realtime")
    redis_server = PrivateRedis(tmp_path).start()
    run = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")}
    env.update({"DIORA_DATABASE_URL": f"sqlite:///{tmp_path / 'diora.db'}", "DIORA_STORAGE_DIR": str(tmp_path / "files"),
                "DATA_DIR": str(tmp_path / "data"), "JWT_SECRET": "r" * 40, "APP_ENV": "development",
                "RATE_LIMITS": "off", "REDIS_URL": redis_server.url, "SOCKETIO_CHANNEL_PREFIX": f"socketio-diora-{run}",
                "RATE_LIMIT_PREFIX": f"rl-diora-{run}"})
    migrated = subprocess.run([sys.executable, "-m", "server", "db", "upgrade", "diora"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    assert migrated.returncode == 0, migrated.stderr
    started = [Served(tmp_path, "worker-a", env), Served(tmp_path, "worker-b", env)]
    try:
        for server in started:
            server.wait_ready()
        yield SimpleNamespace(a=started[0], b=started[1], database=env["DIORA_DATABASE_URL"])
    finally:
        for server in started:
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
        with contextlib.suppress(Exception):
            client.close()


def signup(server):
    name = f"u{uuid.uuid4().hex[:10]}"
    response = server.api("POST", "/auth/signup", json={"email": f"{name}@example.com", "username": name,
                                                        "fullName": name.title(), "password": "Password123"})
    assert response.status_code == 201, response.text
    body = response.json()
    return SimpleNamespace(id=body["user"]["_id"], token=body["token"], username=name)


def conversation_of(server, me, other):
    response = server.api("GET", f"/message/conversations/user/{other.id}", me.token)
    assert response.status_code in (200, 201), response.text
    return response.json()["conversationId"]


def history(server, user, conversation_id):
    response = server.api("GET", f"/message/conversations/{conversation_id}/messages", user.token)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


class TestChatOnOneServer:
    def test_two_users_chat_and_the_history_agrees(self, servers, clients):
        server = servers.a
        alice, bob = signup(server), signup(server)
        conversation_id = conversation_of(server, alice, bob)
        on_alice, on_bob = clients(server, alice.token), clients(server, bob.token)
        assert on_bob.call("join_conversation", {"conversationId": conversation_id}) == {
            "status": True, "conversationId": conversation_id}

        assert on_alice.call("typing_start", {"conversationId": conversation_id}) == {"status": True}
        assert on_bob.wait_for("typing") == {"conversationId": conversation_id, "userId": alice.id, "isTyping": True}

        sent = server.api("POST", "/message/messages", alice.token,
                          json={"conversationId": conversation_id, "text": "hello bob"}).json()["message"]
        assert on_bob.wait_for("newMessage") == {"conversationId": conversation_id, "message": sent}
        assert on_bob.wait_for("message") == {"conversationId": conversation_id, "message": sent}
        reply = server.api("POST", "/message/messages", bob.token,
                           json={"conversationId": conversation_id, "text": "hi alice", "replyTo": sent["_id"]})
        assert on_alice.wait_for("newMessage")["message"] == reply.json()["message"]

        server.api("PUT", f"/message/messages/{sent['_id']}/reaction", bob.token, json={"emoji": "🔥"})
        assert on_alice.wait_for("messageReaction") == {"conversationId": conversation_id, "messageId": sent["_id"],
                                                        "reactions": {"🔥": [bob.id]}}
        server.api("PUT", f"/message/conversations/{conversation_id}/read", bob.token)
        assert on_alice.wait_for("messagesRead") == {"conversationId": conversation_id, "userId": bob.id}
        server.api("DELETE", f"/message/messages/{reply.json()['message']['_id']}", bob.token)
        assert on_alice.wait_for("messageDeleted") == {"conversationId": conversation_id,
                                                       "messageId": reply.json()["message"]["_id"], "type": "deleted"}

        shown = history(server, alice, conversation_id)
        assert [(m["_id"], m["type"], m["text"], m["status"], m["reactions"]) for m in shown] == [
            (sent["_id"], "text", "hello bob", "read", {"🔥": [bob.id]}),
            (reply.json()["message"]["_id"], "deleted", None, "sent", {})]
        assert history(server, bob, conversation_id) == shown
        on_alice.call("typing_stop", {"conversationId": conversation_id})  # a round trip: all is delivered
        assert on_alice.received("newMessage") == []  # the sender's own message is not echoed to her

    def test_register_needs_a_token(self, servers, clients):
        server = servers.a
        alice = signup(server)
        anonymous = clients(server)
        refusal = {"event": "register", "code": "UNAUTHENTICATED", "message": "A valid token is required to register."}
        assert anonymous.call("register", alice.id) == refusal  # the original's bare register(userId)
        assert anonymous.wait_for("error") == refusal
        assert anonymous.call("register", "not.a.token")["code"] == "UNAUTHENTICATED"
        assert anonymous.call("join_conversation", {"conversationId": "a" * 24})["code"] == "UNAUTHENTICATED"
        assert anonymous.call("register", {"token": alice.token}) == {"status": True, "userId": alice.id}
        assert anonymous.call("register", alice.id) == {"status": True, "userId": alice.id}
        bob = signup(server)
        conversation_id = conversation_of(server, bob, alice)
        server.api("POST", "/message/messages", bob.token, json={"conversationId": conversation_id, "text": "hey"})
        assert anonymous.wait_for("newMessage")["message"]["text"] == "hey"

    def test_only_members_join_or_type(self, servers, clients):
        server = servers.a
        alice, bob, eve = signup(server), signup(server), signup(server)
        conversation_id = conversation_of(server, alice, bob)
        on_eve = clients(server, eve.token)
        for event in ("join_conversation", "typing_start"):
            refusal = on_eve.call(event, {"conversationId": conversation_id})
            assert refusal == {"event": event, "code": "FORBIDDEN", "message": "Not a member of this conversation"}
        assert on_eve.call("typing_start", {})["code"] == "INVALID_INPUT"

    def test_presence_reaches_conversation_partners(self, servers, clients):
        server = servers.a
        alice, bob = signup(server), signup(server)
        conversation_of(server, alice, bob)
        on_bob = clients(server, bob.token)
        on_alice = clients(server, alice.token)
        assert on_bob.wait_for("user_online") == {"userId": alice.id}
        on_alice.close()
        assert on_bob.wait_for("user_offline") == {"userId": alice.id}

    def test_notifications_reach_the_recipients_sockets(self, servers, clients):
        alice, bob = signup(servers.a), signup(servers.b)
        on_alice = clients(servers.b, alice.token)
        assert servers.a.api("PUT", f"/user/follow/{alice.id}", bob.token).status_code == 200
        note = on_alice.wait_for("notification")
        assert (note["type"], note["userId"], note["fromUserId"]) == ("follow", alice.id, bob.id)

    def test_banned_accounts_and_bad_tokens_are_refused(self, servers):
        server = servers.a
        mallory = signup(server)
        engine = create_engine(servers.database)
        with engine.begin() as connection:
            connection.execute(text("UPDATE users SET status = 'banned' WHERE id = :id"), {"id": mallory.id})
        engine.dispose()
        for token in (mallory.token, "not-a-jwt"):
            with pytest.raises(socketio.exceptions.ConnectionError):
                Client(server, token)


class TestAcrossWorkers:
    def test_users_on_two_workers_chat_through_redis(self, servers, clients):
        alice, bob = signup(servers.a), signup(servers.b)
        conversation_id = conversation_of(servers.a, alice, bob)
        on_alice, on_bob = clients(servers.a, alice.token), clients(servers.b, bob.token)
        on_bob.call("join_conversation", conversation_id)
        first = servers.a.api("POST", "/message/messages", alice.token,
                              json={"conversationId": conversation_id, "text": "from worker a"}).json()["message"]
        assert on_bob.wait_for("newMessage") == {"conversationId": conversation_id, "message": first}
        assert on_bob.wait_for("message")["message"] == first
        second = servers.b.api("POST", "/message/messages", bob.token,
                               json={"conversationId": conversation_id, "text": "from worker b"}).json()["message"]
        assert on_alice.wait_for("newMessage") == {"conversationId": conversation_id, "message": second}
        on_alice.call("typing_start", {"conversationId": conversation_id})
        assert on_bob.wait_for("typing")["userId"] == alice.id
        assert history(servers.a, alice, conversation_id) == history(servers.b, bob, conversation_id)
        assert [m["text"] for m in history(servers.b, bob, conversation_id)] == ["from worker a", "from worker b"]


def test_socket_sends_share_the_messaging_rule():
    from server.products.diora import MESSAGING_RULE, PRODUCT

    assert PRODUCT.realtime.send_rule is MESSAGING_RULE
    assert (MESSAGING_RULE.limit, MESSAGING_RULE.window) == (30, 60)
