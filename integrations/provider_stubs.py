"""Local stand-ins for Thawani's and EdfaPay's HTTP APIs, for driving the real adapters in tests.

    with ThawaniStub(secret_key) as stub:        # stub.base_url -> THAWANI_BASE_URL
        stub.requests                             # what arrived: StubRequest(method, path, headers, json, form)
        stub.pay(session_id)                      # the customer paid on Thawani's page
        stub.fail_with = 503                      # answer every request with this status
        stub.hang = True                          # never answer (until the stub stops): a timeout
        stub.amount_drift = 1000                  # report amounts this many baisa off

    with EdfaPayStub(merchant_id, password) as stub:   # stub.base_url -> EDFAPAY_API_BASE
        stub.settle(trans_id) / stub.decline(trans_id) ...

Both check credentials and hashes with their own code (not the adapters'), as the providers would.
"""
import hashlib
import json
import secrets
import threading
import uuid
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class StubRequest:
    method: str
    path: str
    headers: dict
    json: object = None
    form: dict | None = None


class _Stub:
    def __init__(self):
        self.requests = []
        self.fail_with = None
        self.hang = False
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def answer(self, request):
        """``(status, body)`` for one request; provider-specific."""
        raise NotImplementedError

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type") or ""
                request = StubRequest(method, self.path, {k.lower(): v for k, v in self.headers.items()})
                if "json" in kind:
                    try:
                        request.json = json.loads(raw or b"null")
                    except ValueError:
                        request.json = raw.decode(errors="replace")
                elif "form" in kind:
                    request.form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
                stub.requests.append(request)
                if stub.hang:
                    stub._stopping.wait(30)
                    return
                if stub.fail_with:
                    status, body = stub.fail_with, {"success": False, "description": "Stub failure"}
                else:
                    status, body = stub.answer(request)
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(body, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler


class ThawaniStub(_Stub):
    def __init__(self, secret_key):
        self.secret_key = secret_key
        self.sessions = {}
        self.amount_drift = 0
        super().__init__()

    def pay(self, session_id, status="paid"):
        self.sessions[session_id]["payment_status"] = status

    def answer(self, request):
        if request.headers.get("thawani-api-key") != self.secret_key:
            return 401, {"success": False, "code": 4001, "description": "Invalid API key"}
        if request.method == "POST" and request.path == "/api/v1/checkout/session":
            return self._create(request.json if isinstance(request.json, dict) else {})
        prefix = "/api/v1/checkout/session/"
        if request.method == "GET" and request.path.startswith(prefix):
            session = self.sessions.get(request.path[len(prefix):])
            if session is None:
                return 404, {"success": False, "code": 4004, "description": "No checkout session found"}
            return 200, {"success": True, "code": 2000, "description": "Session retrieved successfully",
                         "data": self._shown(session)}
        return 404, {"success": False, "code": 4040, "description": "Not found"}

    def _create(self, body):
        products = body.get("products")
        problems = []
        if body.get("mode") != "payment":
            problems.append("mode")
        if not isinstance(products, list) or not products:
            problems.append("products")
        else:
            for item in products:
                amount = item.get("unit_amount") if isinstance(item, dict) else None
                if not isinstance(amount, int) or isinstance(amount, bool) or amount < 100:
                    problems.append("unit_amount")
                if not isinstance(item, dict) or not 1 <= len(str(item.get("name") or "")) <= 40:
                    problems.append("name")
        for name in ("client_reference_id", "success_url", "cancel_url"):
            if not body.get(name):
                problems.append(name)
        if problems:
            return 400, {"success": False, "code": 4000, "description": f"Invalid fields: {', '.join(problems)}"}
        session_id = "checkout_" + secrets.token_urlsafe(20).replace("-", "x").replace("_", "y")
        session = {"mode": "payment", "session_id": session_id, "client_reference_id": body["client_reference_id"],
                   "customer_id": None, "products": products, "currency": "OMR",
                   "total_amount": sum(p["unit_amount"] * p.get("quantity", 1) for p in products),
                   "success_url": body["success_url"], "cancel_url": body["cancel_url"], "payment_status": "unpaid",
                   "invoice": str(secrets.randbelow(10 ** 12)), "metadata": body.get("metadata") or {},
                   "created_at": "2025-01-01T10:00:00Z", "expire_at": "2025-01-02T10:00:00Z"}
        self.sessions[session_id] = session
        return 200, {"success": True, "code": 2004, "description": "Session generated successfully",
                     "data": self._shown(session)}

    def _shown(self, session):
        return {**session, "total_amount": session["total_amount"] + self.amount_drift}


def _sha1_md5_upper(text):
    return hashlib.sha1(hashlib.md5(text.upper().encode()).hexdigest().encode()).hexdigest()


class EdfaPayStub(_Stub):
    INITIATE_REQUIRED = ("action", "edfa_merchant_id", "order_id", "order_amount", "order_currency",
                         "order_description", "payer_first_name", "payer_last_name", "payer_email", "payer_ip",
                         "term_url_3ds", "hash")

    def __init__(self, merchant_id, password):
        self.merchant_id = merchant_id
        self.password = password
        self.transactions = {}     # trans id -> {order_id, amount, currency, status}
        self.amount_drift = "0"
        self.nested_status = True  # {"responseBody": {...}} (else the transaction at the top level)
        super().__init__()

    def settle(self, trans_id):
        self.transactions[trans_id]["status"] = "settled"

    def decline(self, trans_id):
        self.transactions[trans_id]["status"] = "declined"

    def answer(self, request):
        if request.method == "POST" and request.path == "/payment/initiate":
            return self._initiate(request.form or {})
        if request.method == "POST" and request.path == "/payment/status":
            return self._status(request.json if isinstance(request.json, dict) else {})
        return 404, {"result": "ERROR", "error_message": "Not found"}

    def _initiate(self, form):
        missing = [name for name in self.INITIATE_REQUIRED if not form.get(name)]
        if missing:
            return 400, {"result": "ERROR", "error_code": 100000,
                         "error_message": "Request data is invalid.", "errors": [{"field": m} for m in missing]}
        if form["edfa_merchant_id"] != self.merchant_id:
            return 400, {"result": "ERROR", "error_code": 204001, "error_message": "Merchant not found"}
        expected = _sha1_md5_upper(form["order_id"] + form["order_amount"] + form["order_currency"]
                                   + form["order_description"] + self.password)
        if form["hash"] != expected:
            return 400, {"result": "ERROR", "error_code": 204019, "error_message": "Hash is not valid"}
        trans_id = str(uuid.uuid4())
        self.transactions[trans_id] = {"order_id": form["order_id"], "amount": form["order_amount"],
                                       "currency": form["order_currency"], "status": "pending"}
        return 200, {"redirect_url": f"https://pay.edfapay.com/merchant/checkout/{form['order_id']}/{trans_id}"}

    def _status(self, body):
        trans_id = body.get("gway_Payment_Id") or body.get("gway_Payment_id") or ""
        if body.get("merchant_id") != self.merchant_id or body.get("hash") != _sha1_md5_upper(trans_id + self.password):
            return 400, {"result": "ERROR", "error_code": 204019, "error_message": "Hash is not valid"}
        transaction = self.transactions.get(trans_id)
        if transaction is None or transaction["order_id"] != body.get("order_id"):
            return 404, {"result": "ERROR", "error_message": "Transaction not found"}
        amount = str(Decimal(transaction["amount"]) + Decimal(self.amount_drift))
        record = {"order_id": transaction["order_id"], "status": transaction["status"], "amount": amount,
                  "currency": transaction["currency"], "gway_Payment_Id": trans_id}
        return 200, ({"responseBody": record} if self.nested_status else record)
