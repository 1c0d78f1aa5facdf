"""Thawani Pay (Oman, OMR): hosted checkout sessions behind one small interface, with an offline fake.

Configuration (environment):

* ``THAWANI_MODE``: ``uat`` or ``prod`` (the real API), ``fake`` (offline, the default outside production),
  ``disabled`` (every call answers "provider unavailable"; the default in production without keys).
* ``THAWANI_SECRET_KEY`` (sent as the ``thawani-api-key`` header), ``THAWANI_PUBLISHABLE_KEY`` (in the
  checkout page URL): both required for ``uat`` / ``prod``.
* ``THAWANI_BASE_URL``: API and checkout host; default ``https://uatcheckout.thawani.om`` (uat) or
  ``https://checkout.thawani.om`` (prod). Tests point it at a local stub.
* ``THAWANI_TIMEOUT``: seconds per call (default 10).
* ``THAWANI_OMR_PER_SAR``: the rate an order's SAR total is charged at in OMR (default 0.10253, the two
  currencies' dollar pegs).

The real API, as Thawani documents it:

* ``POST /api/v1/checkout/session`` ``{client_reference_id, mode: "payment", products: [{name, quantity,
  unit_amount}], success_url, cancel_url, metadata}`` (amounts in baisa, 1 OMR = 1000 baisa, at least 100)
  → ``{success, code, description, data: {session_id, total_amount, payment_status, ...}}``
* ``GET /api/v1/checkout/session/{session_id}`` → the same ``data`` with ``payment_status`` ``unpaid`` /
  ``paid`` / ``cancelled``
* the customer pays on ``<base>/pay/{session_id}?key=<publishable key>``

A Thawani webhook only *names* a session: believe nothing in it. :func:`parse_webhook` takes the session
id out, and the handler asks :meth:`retrieve_session` what really happened (status and amount).

With the fake, a session can also be paid from a shell (same data directory as the app)::

    python -m integrations.thawani complete checkout_XXXX [--fail]   # prints the webhook body to POST
"""
import argparse
import json
import logging
import os
import secrets
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from integrations.payment_provider import (
    RECORD_ID, FakeCompletion, FileRecords, HttpJson, InvalidPaymentRequest, PaymentNotFound, PaymentProviderError,
    Webhook, absolute, as_amount, fake_checkout_page, from_minor, to_minor,
)
from models.errors import InvalidInput
from server import settings

log = logging.getLogger("integrations.thawani")

PROVIDER = "thawani"
CURRENCY = "OMR"
HOSTS = {"uat": "https://uatcheckout.thawani.om", "prod": "https://checkout.thawani.om"}
MIN_BAISA = 100
PRODUCT_NAME_MAX = 40
STATUSES = ("paid", "unpaid", "cancelled")
FAKE_PAGE_PATH = "/payments/fake/thawani/{session_id}"
# Thawani charges in OMR; orders are priced in SAR. Both riyals are pegged to the US dollar (3.75 SAR and
# 0.3845 OMR to the dollar), so one SAR is 0.10253 OMR; THAWANI_OMR_PER_SAR sets another rate.
OMR_PER_SAR = Decimal("0.10253")


class ConfigurationError(RuntimeError):
    pass


class WebhookInvalid(InvalidInput):
    """The webhook body names no session (400; nothing is changed)."""


@dataclass(frozen=True)
class CheckoutSession:
    session_id: str
    redirect_url: str


@dataclass(frozen=True)
class SessionState:
    session_id: str
    payment_status: str          # paid | unpaid | cancelled
    amount: Decimal              # OMR, 3 decimals, as the provider reports it
    reference: str | None        # our client_reference_id
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ThawaniConfig:
    mode: str = "fake"                    # fake | uat | prod | disabled
    secret_key: str = ""
    publishable_key: str = ""
    base_url: str = HOSTS["uat"]
    timeout: float = 10.0
    public_base_url: str = ""             # the fake's checkout page is <public_base_url>/payments/fake/...
    data_dir: Path | None = None          # the fake's records: <data_dir>/fake-payments/thawani/
    omr_per_sar: Decimal = OMR_PER_SAR    # what one riyal (SAR) is charged as in OMR

    @classmethod
    def from_env(cls, env=None, *, production=False, data_dir=None, public_base_url=""):
        env = os.environ if env is None else env
        secret_key = (env.get("THAWANI_SECRET_KEY") or "").strip()
        publishable_key = (env.get("THAWANI_PUBLISHABLE_KEY") or "").strip()
        default = ("prod" if secret_key and publishable_key else "disabled") if production else "fake"
        mode = (env.get("THAWANI_MODE") or default).strip().lower()
        if mode not in ("fake", "uat", "prod", "disabled"):
            raise ConfigurationError(f"THAWANI_MODE must be uat, prod, fake or disabled, not {mode!r}")
        if mode in HOSTS:
            missing = [n for n, v in (("THAWANI_SECRET_KEY", secret_key), ("THAWANI_PUBLISHABLE_KEY", publishable_key))
                       if not v]
            if missing:
                raise ConfigurationError(f"THAWANI_MODE={mode} needs {', '.join(missing)}")
        try:
            timeout = float(env.get("THAWANI_TIMEOUT") or 10)
        except ValueError:
            raise ConfigurationError("THAWANI_TIMEOUT must be a number of seconds") from None
        try:
            omr_per_sar = Decimal((env.get("THAWANI_OMR_PER_SAR") or "").strip() or OMR_PER_SAR)
        except ArithmeticError:
            omr_per_sar = Decimal(0)
        if not omr_per_sar.is_finite() or omr_per_sar <= 0:
            raise ConfigurationError("THAWANI_OMR_PER_SAR must be a positive number (OMR per SAR)")
        return cls(mode=mode, secret_key=secret_key, publishable_key=publishable_key,
                   base_url=(env.get("THAWANI_BASE_URL") or HOSTS.get(mode, HOSTS["uat"])).rstrip("/"),
                   timeout=timeout, public_base_url=public_base_url or "", omr_per_sar=omr_per_sar,
                   data_dir=Path(data_dir) if data_dir else settings.default_data_dir(env))


def baisa(amount):
    """OMR (Decimal, at most 3 decimals, at least 0.100) → baisa (int)."""
    minor = to_minor(amount, CURRENCY)
    if minor < MIN_BAISA:
        raise InvalidPaymentRequest("Thawani accepts amounts of at least 0.100 OMR.", field="amount")
    return minor


def session_request(*, reference, amount, description, success_url, cancel_url, metadata=None, customer_email=None):
    """The body of ``POST /api/v1/checkout/session``: one product line for the whole amount."""
    if not reference:
        raise InvalidPaymentRequest("A payment reference is required.", field="reference")
    meta = {str(k): str(v) for k, v in (metadata or {}).items()}
    if customer_email:
        meta.setdefault("customer_email", customer_email)
    name = " ".join((description or "").split())[:PRODUCT_NAME_MAX] or "Order payment"
    return {"client_reference_id": str(reference), "mode": "payment",
            "products": [{"name": name, "quantity": 1, "unit_amount": baisa(amount)}],
            "success_url": success_url, "cancel_url": cancel_url, "metadata": meta}


def parse_webhook(body):
    """The session id a Thawani webhook names (``data.session_id``, ``data.id`` or ``session_id``), from
    the parsed JSON object or the raw body. Nothing else in it is to be believed: retrieve the session."""
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body or b"null")
        except ValueError:
            raise WebhookInvalid("The webhook body is not JSON.", field="data") from None
    data = body.get("data") if isinstance(body, dict) else None
    candidates = [data.get("session_id"), data.get("id")] if isinstance(data, dict) else []
    if isinstance(body, dict):
        candidates.append(body.get("session_id"))
    for candidate in candidates:
        if isinstance(candidate, str) and RECORD_ID.fullmatch(candidate):
            return candidate
    raise WebhookInvalid("The webhook names no checkout session.", field="data.id")


def _status(value):
    value = str(value or "").lower()
    return value if value in STATUSES else "unpaid"


class ThawaniGateway:
    """The real adapter: Thawani's HTTP API through httpx."""

    def __init__(self, config):
        self.config = config
        self.http = HttpJson(PROVIDER, config.base_url, timeout=config.timeout,
                             headers={"thawani-api-key": config.secret_key})

    def create_session(self, *, reference, amount, description, success_url, cancel_url, metadata=None,
                       customer_email=None):
        request = session_request(reference=reference, amount=amount, description=description, success_url=success_url,
                                  cancel_url=cancel_url, metadata=metadata, customer_email=customer_email)
        _, body = self.http.call("POST", "/api/v1/checkout/session", json_body=request)
        data = self._data(body, "create session")
        session_id = data.get("session_id")
        if not isinstance(session_id, str) or not RECORD_ID.fullmatch(session_id):
            raise PaymentProviderError(PROVIDER, f"session created without a usable session_id: {session_id!r}")
        expected = request["products"][0]["unit_amount"]
        if "total_amount" in data and data.get("total_amount") != expected:
            raise PaymentProviderError(PROVIDER, f"session {session_id} is for {data.get('total_amount')} baisa, "
                                                 f"not {expected}")
        return CheckoutSession(session_id=session_id, redirect_url=self.checkout_url(session_id))

    def checkout_url(self, session_id):
        return f"{self.config.base_url}/pay/{session_id}?key={self.config.publishable_key}"

    def retrieve_session(self, session_id):
        if not isinstance(session_id, str) or not RECORD_ID.fullmatch(session_id):
            raise PaymentNotFound("Checkout session not found.")
        status, body = self.http.call("GET", f"/api/v1/checkout/session/{session_id}", passthrough=(404,))
        if status == 404:
            raise PaymentNotFound("Checkout session not found.")
        data = self._data(body, f"retrieve session {session_id}")
        total = data.get("total_amount")
        if isinstance(total, bool) or not isinstance(total, int):
            raise PaymentProviderError(PROVIDER, f"session {session_id} without an integer total_amount: {total!r}")
        if data.get("session_id") not in (None, session_id):
            raise PaymentProviderError(PROVIDER, f"asked for session {session_id}, got {data.get('session_id')!r}")
        return SessionState(session_id=session_id, payment_status=_status(data.get("payment_status")),
                            amount=from_minor(total, CURRENCY), reference=data.get("client_reference_id"),
                            metadata=data.get("metadata") if isinstance(data.get("metadata"), dict) else {})

    @staticmethod
    def _data(body, what):
        data = body.get("data")
        if body.get("success") is False or not isinstance(data, dict):
            raise PaymentProviderError(PROVIDER, f"{what}: code {body.get('code')!r}: {body.get('description')!r}")
        return data


class FakeThawani:
    """Offline Thawani: sessions are files under ``<data_dir>/fake-payments/thawani/`` (every worker sees
    them); the checkout page is the app's own ``/payments/fake/thawani/{session_id}``, which calls
    :meth:`complete` to pay (or fail) the session and hands the returned webhook to the app's handler."""

    def __init__(self, config):
        self.config = config
        self.records = FileRecords(Path(config.data_dir) / "fake-payments" / "thawani")

    def create_session(self, *, reference, amount, description, success_url, cancel_url, metadata=None,
                       customer_email=None):
        request = session_request(reference=reference, amount=amount, description=description, success_url=success_url,
                                  cancel_url=cancel_url, metadata=metadata, customer_email=customer_email)
        session_id = "checkout_" + secrets.token_hex(16)
        self.records.create(session_id, {
            "session_id": session_id, "client_reference_id": request["client_reference_id"],
            "total_amount": request["products"][0]["unit_amount"], "currency": CURRENCY,
            "description": request["products"][0]["name"], "success_url": success_url, "cancel_url": cancel_url,
            "metadata": request["metadata"], "payment_status": "unpaid"})
        redirect_url = absolute(self.config.public_base_url, FAKE_PAGE_PATH.format(session_id=session_id))
        log.info("fake thawani session %s for %s OMR (reference %s): pay it at %s", session_id,
                 as_amount(amount, CURRENCY), reference, redirect_url)
        return CheckoutSession(session_id=session_id, redirect_url=redirect_url)

    def retrieve_session(self, session_id):
        record = self.records.get(session_id)
        if record is None:
            raise PaymentNotFound("Checkout session not found.")
        return SessionState(session_id=session_id, payment_status=record["payment_status"],
                            amount=from_minor(record["total_amount"], CURRENCY),
                            reference=record["client_reference_id"], metadata=record["metadata"])

    def complete(self, session_id, outcome="paid"):
        """Pay (``outcome="paid"``) or cancel (``"failed"``) the session, once: a session already paid or
        cancelled stays as it is. Returns the webhook Thawani would send and the page it would return to."""
        if outcome not in ("paid", "failed"):
            raise InvalidPaymentRequest("outcome must be paid or failed.", field="outcome")

        def settle(record):
            if record["payment_status"] == "unpaid":
                record["payment_status"] = "paid" if outcome == "paid" else "cancelled"
            return record

        record = self.records.update(session_id, settle)
        if record is None:
            raise PaymentNotFound("Checkout session not found.")
        paid = record["payment_status"] == "paid"
        event = {"event_type": "checkout.completed" if paid else "checkout.cancelled",
                 "data": {"id": session_id, "session_id": session_id,
                          "client_reference_id": record["client_reference_id"],
                          "status": record["payment_status"], "payment_status": record["payment_status"],
                          "total_amount": record["total_amount"], "metadata": record["metadata"]}}
        return FakeCompletion(webhook=Webhook.json(event), outcome="paid" if paid else "failed", record=record,
                              return_url=record["success_url"] if paid else record["cancel_url"])

    def page(self, session_id, action_url):
        """The fake checkout page (HTML) for the session, posting ``outcome`` to ``action_url``."""
        record = self.records.get(session_id)
        if record is None:
            raise PaymentNotFound("Checkout session not found.")
        lines = [("Session", session_id), ("Reference", record["client_reference_id"]),
                 ("Item", record["description"]), ("Amount", f"{from_minor(record['total_amount'], CURRENCY)} OMR"),
                 ("Status", record["payment_status"])]
        return fake_checkout_page(provider="Thawani", lines=lines, action_url=action_url)


class DisabledThawani:
    """Thawani is not configured (production without keys): every call is a 502 "provider unavailable"."""

    def __init__(self, config):
        self.config = config

    def _refuse(self, *args, **kwargs):
        raise PaymentProviderError(PROVIDER, "Thawani is not configured (THAWANI_MODE=disabled)", unavailable=True)

    create_session = retrieve_session = _refuse


def gateway_from_config(config):
    if config.mode in HOSTS:
        return ThawaniGateway(config)
    return FakeThawani(config) if config.mode == "fake" else DisabledThawani(config)


def gateway_from_env(env=None, *, production=False, data_dir=None, public_base_url=""):
    return gateway_from_config(ThawaniConfig.from_env(env, production=production, data_dir=data_dir,
                                                      public_base_url=public_base_url))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m integrations.thawani",
                                     description="Pay or fail a session of the offline Thawani fake.")
    parser.add_argument("command", choices=["complete"])
    parser.add_argument("session_id")
    parser.add_argument("--fail", action="store_true", help="cancel the session instead of paying it")
    args = parser.parse_args(argv)
    done = FakeThawani(ThawaniConfig(mode="fake", data_dir=settings.default_data_dir())).complete(
        args.session_id, outcome="failed" if args.fail else "paid")
    print(done.webhook.body.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
