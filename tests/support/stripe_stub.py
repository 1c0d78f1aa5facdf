"""A local stand-in for the parts of Stripe's HTTP API the adapter calls, for driving the real SDK in tests:
``POST/GET /v1/checkout/sessions[/{id}]``, ``POST/GET /v1/accounts[/{id}]``, ``POST /v1/account_links``,
``POST /v1/refunds``. Bodies arrive form-encoded as the SDK sends them (``line_items[0][quantity]=2``) and
are recorded decoded into nested dicts and lists (values stay strings, as on the wire)::

    with StripeStub("sk_test_123") as stub:          # stub.base_url -> STRIPE_API_BASE
        ...
        stub.reset()                                 # between tests sharing one stub
        stub.requests[-1].params                     # {"line_items": [{"quantity": "2", ...}], ...}
        stub.fail(402, "card_error", "card_declined", "Your card was declined.")   # the next request
        stub.hang = True                             # accept requests and never answer (client timeouts)
"""
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    headers: dict = field(default_factory=dict)


def decode_form(body):
    """Stripe's form encoding back into nested dicts and lists (``a[0][b]=1`` -> ``{"a": [{"b": "1"}]}``)."""
    root = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = [key.split("[", 1)[0]] + re.findall(r"\[([^\]]*)\]", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


def _id(prefix, length=24):
    return prefix + "_" + secrets.token_hex(length // 2)


class StripeStub:
    def __init__(self, api_key):
        self.api_key = api_key
        self._release = threading.Event()
        self.reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01},
                                        daemon=True)

    @property
    def base_url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    def reset(self):
        """Forget requests, objects and pending failures; answer again (one stub can serve many tests)."""
        self._release.set()
        self._release = threading.Event()
        self.requests, self.objects, self.failures, self.hang = [], {}, [], False

    def fail(self, status, error_type="api_error", code=None, message="Something went wrong.", times=1):
        """Answer the next ``times`` requests with Stripe's error body ``{"error": {type, code, message}}``."""
        self.failures.extend([(status, {"type": error_type, "code": code, "message": message})] * times)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    # --- the API

    def answer(self, method, path, params):
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(params)
        if method == "POST" and path == "/v1/accounts":
            return 200, self._store({"id": _id("acct", 16), "object": "account", "type": params.get("type"),
                                     "email": params.get("email"), "country": params.get("country"),
                                     "metadata": params.get("metadata", {}), "charges_enabled": False,
                                     "payouts_enabled": False, "details_submitted": False,
                                     "requirements": {"currently_due": ["external_account", "tos_acceptance.date"],
                                                      "past_due": [], "eventually_due": []}})
        if method == "POST" and path == "/v1/account_links":
            if params.get("account") not in self.objects:
                return self._missing("account", params.get("account"))
            return 200, {"object": "account_link", "created": int(time.time()),
                         "expires_at": int(time.time()) + 300,
                         "url": f"https://connect.stripe.com/setup/e/{params['account']}/{secrets.token_hex(8)}"}
        if method == "POST" and path == "/v1/refunds":
            return 200, {"id": _id("re"), "object": "refund", "amount": int(params.get("amount", 0)) or None,
                         "payment_intent": params.get("payment_intent"), "status": "succeeded",
                         "metadata": params.get("metadata", {})}
        found = re.fullmatch(r"/v1/(checkout/sessions|accounts)/([\w]+)", path)
        if method == "GET" and found:
            if found.group(2) not in self.objects:
                return self._missing("checkout.session" if "checkout" in path else "account", found.group(2))
            return 200, self.objects[found.group(2)]
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({method}: {path})."}}

    def _create_session(self, params):
        lines = params.get("line_items", [])
        total = sum(int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1)) for line in lines)
        session_id = _id("cs_test", 58)
        return self._store({"id": session_id, "object": "checkout.session", "mode": params.get("mode"),
                            "url": f"https://checkout.stripe.com/c/pay/{session_id}", "status": "open",
                            "payment_status": "unpaid", "payment_intent": None, "amount_total": total,
                            "currency": lines[0]["price_data"]["currency"] if lines else None,
                            "client_reference_id": params.get("client_reference_id"),
                            "metadata": params.get("metadata", {}), "success_url": params.get("success_url"),
                            "cancel_url": params.get("cancel_url")})

    def _store(self, obj):
        self.objects[obj["id"]] = obj
        return obj

    @staticmethod
    def _missing(kind, object_id):
        return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "id",
                               "message": f"No such {kind}: '{object_id}'"}}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_" + secrets.token_hex(7))
                self.end_headers()
                self.wfile.write(data)

            def _serve(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else url.query
                stub.requests.append(Recorded(self.command, url.path, decode_form(body), dict(self.headers)))
                if stub.hang:
                    release = stub._release
                    release.wait(30)
                    return
                if self.headers.get("Authorization") != f"Bearer {stub.api_key}":
                    return self._send(401, {"error": {"type": "invalid_request_error",
                                                      "message": "Invalid API Key provided: sk_****"}})
                if stub.failures:
                    status, error = stub.failures.pop(0)
                    return self._send(status, {"error": error})
                self._send(*stub.answer(self.command, url.path, decode_form(body)))

            do_GET = do_POST = _serve

        return Handler
