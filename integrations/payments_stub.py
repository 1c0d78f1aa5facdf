"""A local stand-in for Razorpay's HTTP API (``POST /v1/orders``, ``POST /v1/payments/{id}/refund``),
for driving the real adapter in tests.

    with RazorpayStub(key_id, key_secret) as stub:       # stub.base_url -> RAZORPAY_BASE_URL
        ...
        stub.requests     # what arrived: (path, auth ok, json body)
        stub.fail_with = 500                              # answer the next requests with an error
"""
import base64
import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RazorpayStub:
    def __init__(self, key_id, key_secret):
        self.expected_auth = "Basic " + base64.b64encode(f"{key_id}:{key_secret}".encode()).decode()
        self.requests = []
        self.refunded = set()
        self.fail_with = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                authorized = self.headers.get("Authorization") == stub.expected_auth
                stub.requests.append((self.path, authorized, payload))
                if not authorized:
                    return self._answer(401, {"error": {"code": "BAD_REQUEST_ERROR",
                                                        "description": "Authentication failed"}})
                if stub.fail_with:
                    return self._answer(stub.fail_with, {"error": {"code": "SERVER_ERROR",
                                                                   "description": "The server is down"}})
                refund = re.fullmatch(r"/v1/payments/(pay_\w+)/refund", self.path)
                if refund:
                    return self._refund(refund.group(1), payload)
                if self.path != "/v1/orders":
                    return self._answer(404, {"error": {"code": "BAD_REQUEST_ERROR",
                                                        "description": "The requested URL was not found"}})
                self._answer(200, {"id": "order_" + secrets.token_hex(7), "entity": "order",
                                   "amount": payload.get("amount"), "amount_paid": 0,
                                   "amount_due": payload.get("amount"), "currency": payload.get("currency"),
                                   "receipt": payload.get("receipt"), "status": "created", "attempts": 0,
                                   "notes": payload.get("notes") or {}, "created_at": 1735725600})

            def _refund(self, payment_id, payload):
                if payment_id in stub.refunded:
                    return self._answer(400, {"error": {"code": "BAD_REQUEST_ERROR",
                                                        "description": "The payment has been fully refunded already"}})
                stub.refunded.add(payment_id)
                self._answer(200, {"id": "rfnd_" + secrets.token_hex(7), "entity": "refund",
                                   "amount": payload.get("amount"), "currency": "INR", "payment_id": payment_id,
                                   "notes": payload.get("notes") or {}, "receipt": None, "status": "processed",
                                   "speed_requested": payload.get("speed", "normal"), "created_at": 1735725600})

        return Handler
