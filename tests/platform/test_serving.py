"""``python -m server serve`` as operators run it: real processes, real signals, real sockets.

Each server runs in its own session (process group) on a free port with a fresh SQLite database."""
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

import openapi
from contracts.specs import implemented_products
from server.app import load_product
from server.runner import uvicorn_options

PRODUCTS = implemented_products()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_processes():
    """(pid, stat fields after the command name, cmdline) of every live process."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except OSError:
            continue
        if fields[0] != "Z":
            yield int(entry), fields, cmdline


def group_members(pgid):
    """Pids of every live process in process group ``pgid``."""
    return [pid for pid, fields, _ in live_processes() if int(fields[2]) == pgid]


def workers(server):
    """Pids of serve's worker processes (its children, less multiprocessing's resource tracker)."""
    return sorted(pid for pid, fields, cmdline in live_processes()
                  if int(fields[1]) == server.process.pid and b"resource_tracker" not in cmdline)


def json_body_post(product):
    """(path, body) of the first public operation that reads a JSON body (login, in practice)."""
    spec = openapi.load(product)
    for path, item in spec["paths"].items():
        post = item.get("post") or {}
        if post.get("security") == [] and "application/json" in (post.get("requestBody") or {}).get("content", {}):
            return load_product(product).base_path + path
    raise LookupError(f"{product} has no public JSON POST")


class Server:
    def __init__(self, product, tmp_path, *, workers=1, env=None):
        self.product = load_product(product)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{self.product.base_path}"
        self.log_path = tmp_path / f"{product}.log"
        environment = dict(os.environ)
        for name in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "FORWARDED_ALLOW_IPS"):
            environment.pop(name, None)
        environment.update({f"{product.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / (product + '.db')}",
                            f"{product.upper()}_STORAGE_DIR": str(tmp_path / "files"), "JWT_SECRET": "s" * 40,
                            "APP_ENV": "development", "RATE_LIMITS": "off", "LOG_FORMAT": "json"})
        environment.update(env or {})
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", product, "--port", str(self.port), "--workers", str(workers),
             "--no-seed"], cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=self.log,
            start_new_session=True)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited early:\n{self.log_path.read_text()}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            time.sleep(0.3)
        raise AssertionError(f"not ready in {timeout}s:\n{self.log_path.read_text()}")

    def log_entries(self):
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def stop(self):
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(product, **kwargs):
        server = Server(product, tmp_path, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def start_slow_request(server, product):
    """A request whose body is still arriving: sent headers and half the body, not the rest."""
    path = json_body_post(product)
    body = b'{"username": "nobody", "email": "nobody@example.com", "password": "wrong-password"}'
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
    return sock, body[10:]


def finish_slow_request(sock, rest):
    sock.sendall(rest)
    sock.settimeout(60)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    sock.close()
    return received.split(b"\r\n", 1)[0].decode()


def assert_everything_stopped(server):
    assert server.process.wait(timeout=90) == 0, server.log_path.read_text()
    deadline = time.monotonic() + 30  # the multiprocessing resource tracker leaves once everyone has gone
    while group_members(server.process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert group_members(server.process.pid) == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", server.port))


def stale_run(directory):
    """Files a previous run's worker left in ``directory``: 1000 index requests."""
    directory.mkdir(parents=True)
    code = ("from prometheus_client import Counter; Counter('http_requests', 'x', ['operation', 'status'])"
            ".labels('operator.get_index', '200').inc(1000)")
    subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(directory)),
                   check=True)
    assert list(directory.iterdir())


def metric(text, name, **labels):
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None


@pytest.mark.parametrize("product", PRODUCTS)
class TestWorkers:
    def test_workers_log_count_together_and_stop_on_sigterm(self, serve, product, tmp_path):
        metrics_dir = tmp_path / "metrics"
        stale_run(metrics_dir / product)  # counts left by an earlier run must not be added to this one's
        server = serve(product, workers=2, env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)})
        server.wait_ready()
        for n in range(20):
            with httpx.Client() as client:  # a new connection each time: both workers get some
                assert client.get(f"{server.url}/", headers={"X-Request-ID": f"req-{n}"}).status_code == 200
        text = httpx.get(f"{server.url}/metrics").text
        assert metric(text, "server_workers") == 2
        assert metric(text, "http_requests_total", operation="operator.get_index", status="200") == 20

        [first, second] = workers(server)
        os.kill(first, signal.SIGKILL)  # a worker that dies is replaced
        deadline = time.monotonic() + 120
        while not (len(workers(server)) == 2 and first not in workers(server)
                   and httpx.get(f"{server.url}/metrics").text.count("server_workers 2.0")):
            assert time.monotonic() < deadline, server.log_path.read_text()
            time.sleep(0.5)
        assert second in workers(server)

        sock, rest = start_slow_request(server, product)
        time.sleep(1)  # the worker is now waiting for the rest of the body
        os.kill(server.process.pid, signal.SIGTERM)
        time.sleep(1)  # the workers are now shutting down, the request still in flight
        status_line = finish_slow_request(sock, rest)
        assert re.match(r"HTTP/1.1 \d{3} ", status_line), status_line  # answered, not cut off
        assert_everything_stopped(server)
        assert list(metrics_dir.iterdir()) == []  # the product's directory is gone, the configured one stays

        entries = server.log_entries()  # every line JSON (json.loads above), none of them start-up noise
        access = [e for e in entries if e["logger"] == "server.access"]
        assert {e["request_id"] for e in access} >= {f"req-{n}" for n in range(20)}
        assert server.process.pid not in {e["process"] for e in access}  # written by the workers
        assert not [e for e in entries if e["logger"].startswith(("alembic", "connexion", "py.warnings"))]
        assert not [e for e in entries if e["logger"] == "uvicorn.access"]  # one access line per request: ours
        assert re.fullmatch(r"GET /\S* \d{3} [0-9.]+ms 127\.0\.0\.1", access[0]["message"]), access[0]["message"]
        assert "starlette.testclient" not in server.log_path.read_text()


class TestWorkerThatCannotStart:
    def test_stops_serve_with_status_1(self, serve, tmp_path):
        # serve itself migrates fine; every worker's app factory refuses the malformed address list.
        server = serve("looking", workers=2, env={"METRICS_ALLOW_IPS": "not-an-address"})
        assert server.process.wait(timeout=120) == 1
        assert "worker" in server.log_path.read_text() and "while starting" in server.log_path.read_text()
        deadline = time.monotonic() + 30
        while group_members(server.process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert group_members(server.process.pid) == []


@pytest.mark.parametrize("product", PRODUCTS)
class TestSingleProcess:
    def test_sigint_drains_and_stops(self, serve, product):
        server = serve(product)
        server.wait_ready()
        sock, rest = start_slow_request(server, product)
        time.sleep(1)
        os.kill(server.process.pid, signal.SIGINT)
        time.sleep(1)
        status_line = finish_slow_request(sock, rest)
        assert re.match(r"HTTP/1.1 \d{3} ", status_line), status_line  # answered, not cut off
        assert_everything_stopped(server)
        assert "starlette.testclient" not in server.log_path.read_text()


class TestForwardedHeaders:
    def attempts(self, server, count):
        return [httpx.post(f"{server.url}/auth/login", json={"username": "nobody", "password": "wrong-password"},
                           headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(count)]

    def test_not_trusted_by_default(self, serve):
        # Looking allows 20 logins per 15 minutes per client; scaled to 2 here.
        server = serve("looking", env={"RATE_LIMITS": "on", "RATE_LIMIT_SCALE": "0.1"})
        server.wait_ready()
        assert self.attempts(server, 3) == [401, 401, 429]

    def test_trusted_from_a_listed_proxy(self, serve):
        server = serve("looking", env={"RATE_LIMITS": "on", "RATE_LIMIT_SCALE": "0.1",
                                       "FORWARDED_ALLOW_IPS": "127.0.0.1"})
        server.wait_ready()
        assert self.attempts(server, 3) == [401, 401, 401]

    @pytest.mark.parametrize("value, proxy_headers, allowed", [("", False, None),
                                                               ("10.0.0.1, 10.1.0.0/16", True, "10.0.0.1,10.1.0.0/16")])
    def test_uvicorn_options(self, monkeypatch, value, proxy_headers, allowed):
        monkeypatch.setenv("FORWARDED_ALLOW_IPS", value)
        options = uvicorn_options(load_product("looking"), host="127.0.0.1", port=1)
        assert (options["proxy_headers"], options["forwarded_allow_ips"]) == (proxy_headers, allowed)
