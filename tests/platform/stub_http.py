"""A small threaded HTTP server standing in for an outside provider's API in tests.

``StubServer(answer)`` records every request as a :class:`Call` and replies with ``answer(call)``,
which returns ``(status, body)`` or ``(status, body, headers)``; a dict or list body is sent as JSON.
An exception in ``answer`` (a failed assertion about the request) is kept in ``errors`` and answered 599.
Start it once per module (``with StubServer(...) as stub``) and ``reset()`` it between tests.
"""
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    method: str
    path: str                # as sent, still percent-encoded
    query: dict
    headers: dict = field(repr=False)      # names in lower case
    body: bytes = field(repr=False)

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def form(self):
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


class StubServer:
    def __init__(self, answer):
        self.answer = answer
        self.calls = []
        self.errors = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def reset(self, answer=None):
        with self._lock:
            self.calls.clear()
            self.errors.clear()
        if answer is not None:
            self.answer = answer

    def calls_to(self, method, path_prefix=""):
        with self._lock:
            return [c for c in self.calls if c.method == method and c.path.startswith(path_prefix)]

    def _record_and_answer(self, handler):
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        call = Call(handler.command, url.path, parse_qs(url.query), {k.lower(): v for k, v in handler.headers.items()},
                    handler.rfile.read(length))
        with self._lock:
            self.calls.append(call)
        try:
            status, body, *rest = self.answer(call)
        except Exception as exc:
            with self._lock:
                self.errors.append(exc)
            status, body, rest = 599, repr(exc), []
        headers = rest[0] if rest else {}
        if isinstance(body, (dict, list)):
            body, headers = json.dumps(body).encode(), {"Content-Type": "application/json", **headers}
        elif isinstance(body, str):
            body = body.encode()
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub._record_and_answer(self)

            do_POST = do_DELETE = do_PUT = do_PATCH = do_GET

            def log_message(self, *args):
                pass

        return Handler
