"""EdfaPay (Saudi Arabia): hosted checkout ("initiate"), transaction status and the signed callback,
behind one small interface with an offline fake.

Configuration (environment):

* ``EDFAPAY_MODE``: ``live`` (the real API), ``fake`` (offline, the default outside production),
  ``disabled`` (every call answers "provider unavailable"; the default in production without credentials).
* ``EDFAPAY_MERCHANT_ID`` (the merchant key, ``edfa_merchant_id``) and ``EDFAPAY_PASSWORD`` (the merchant
  password that keys every hash): both required for ``live``. The fake uses a password generated once into
  the data directory unless ``EDFAPAY_PASSWORD`` is set.
* ``EDFAPAY_API_BASE``: default ``https://api.edfapay.com`` (tests point it at a local stub).
* ``EDFAPAY_CURRENCY``: default ``SAR``.  ``EDFAPAY_TIMEOUT``: seconds per call (default 10).

The real API, as EdfaPay documents its Checkout integration:

* ``POST /payment/initiate`` (form fields: ``action=SALE``, ``edfa_merchant_id``, ``order_id``,
  ``order_amount``, ``order_currency``, ``order_description``, ``payer_*``, ``term_url_3ds``, ``hash``, ...)
  → ``{"redirect_url": "https://pay.edfapay.com/merchant/checkout/<order>/<id>"}``
* ``POST /payment/status`` (JSON: ``merchant_id``, ``order_id``, ``gway_Payment_Id``, ``hash``) → the
  transaction with its ``status`` (``settled``, ``declined``, ...) and ``amount``
* the callback: EdfaPay POSTs form fields (``action``, ``result``, ``status``, ``order_id``, ``trans_id``,
  ``amount``, ``currency``, ``card``, ``hash``, ...) to the callback URL configured in the EdfaPay dashboard
  (Settings → Callback URL); the app answers the plain text ``OK``.

The three hashes are computed here and nowhere else: :func:`initiate_hash`, :func:`status_hash`,
:func:`callback_hash`.

With the fake, a checkout can also be paid from a shell (same data directory and EDFAPAY_* as the app)::

    python -m integrations.edfapay complete <transaction_ref> [--fail]   # prints the form body to POST
"""
import argparse
import hashlib
import hmac
import logging
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

from integrations.payment_provider import (
    RECORD_ID, FakeCompletion, FileRecords, HttpJson, InvalidPaymentRequest, PaymentNotFound, PaymentProviderError,
    Webhook, absolute, as_amount, fake_checkout_page, parse_amount,
)
from models.errors import InvalidInput
from server import settings

log = logging.getLogger("integrations.edfapay")

PROVIDER = "edfapay"
DEFAULT_API_BASE = "https://api.edfapay.com"
FAKE_PAGE_PATH = "/payments/fake/edfapay/{transaction_ref}"
FAKE_MERCHANT_ID = "fake-edfapay-merchant"
FAKE_CARD = "512345XXXXXX0008"
LIMITS = {"first_name": 32, "last_name": 32, "city": 32, "zip": 10, "phone": 32, "address": 255, "email": 256}


class ConfigurationError(RuntimeError):
    pass


class CallbackSignatureInvalid(InvalidInput):
    """The callback's ``hash`` is missing or wrong, or required fields are missing (400; change nothing)."""


@dataclass(frozen=True)
class Checkout:
    transaction_ref: str   # EdfaPay's public id of the payment: the last segment of redirect_url
    redirect_url: str


@dataclass(frozen=True)
class Callback:
    order_id: str
    trans_id: str
    status: str                  # success | failed | pending | refunded
    amount: Decimal | None       # as the callback states it (compare it with the payment's amount)
    currency: str
    action: str                  # SALE, CREDITVOID, RECURRING, ...
    result: str                  # SUCCESS, DECLINED, REDIRECT, ...
    raw_status: str              # SETTLED, DECLINED, 3DS, ...
    decline_reason: str = ""


@dataclass(frozen=True)
class TransactionStatus:
    status: str                  # success | failed | pending | refunded
    amount: Decimal | None       # as EdfaPay reports it; None when its answer has no amount
    currency: str | None
    raw_status: str


def _sha1_of_md5(text):
    md5 = hashlib.md5(text.upper().encode("utf-8")).hexdigest()
    return hashlib.sha1(md5.encode("ascii")).hexdigest()


def initiate_hash(order_id, amount, currency, description, password):
    """The ``hash`` of ``POST /payment/initiate``:
    ``sha1(md5(upper(order_id + order_amount + order_currency + order_description + password)))``, where md5
    yields its lowercase hex digest, sha1 hashes that hex string, and the result is sha1's lowercase hex.
    ``amount`` is the exact ``order_amount`` string sent (``"100.00"``)."""
    return _sha1_of_md5(f"{order_id}{amount}{currency}{description}{password}")


def status_hash(gway_payment_id, password):
    """The ``hash`` of ``POST /payment/status``: ``sha1(md5(upper(gway_payment_id + password)))`` (same
    digests as :func:`initiate_hash`). EdfaPay's page for this signature is self-contradictory; this is the
    form working integrations send."""
    return _sha1_of_md5(f"{gway_payment_id}{password}")


def callback_hash(payer_email, password, trans_id, card):
    """The ``hash`` EdfaPay puts in a Checkout callback:
    ``md5(upper(reverse(payer_email) + password + trans_id + reverse(first6(card) + last4(card))))`` as
    lowercase hex. ``card`` is the callback's masked card (``512345XXXXXX0008``: first six ``512345``, last
    four ``0008``); ``payer_email`` is the one sent at checkout (the callback does not repeat it)."""
    card = card or ""
    digits = card[:6] + card[-4:] if len(card) >= 10 else card
    text = payer_email[::-1] + password + trans_id + digits[::-1]
    return hashlib.md5(text.upper().encode("utf-8")).hexdigest()


def _outcome(result, status):
    result, status = (result or "").upper(), (status or "").upper()
    if status == "REFUND":
        return "refunded"
    if result == "SUCCESS" and status == "SETTLED":
        return "success"
    if result in ("DECLINED", "ERROR") or status == "DECLINED":
        return "failed"
    return "pending"


@dataclass(frozen=True)
class EdfaPayConfig:
    mode: str = "fake"                      # live | fake | disabled
    merchant_id: str = ""
    password: str = ""
    api_base: str = DEFAULT_API_BASE
    currency: str = "SAR"
    timeout: float = 10.0
    public_base_url: str = ""               # the fake's checkout page lives on the app
    data_dir: Path | None = None            # the fake's records: <data_dir>/fake-payments/edfapay/

    @classmethod
    def from_env(cls, env=None, *, production=False, data_dir=None, public_base_url=""):
        env = os.environ if env is None else env
        merchant_id = (env.get("EDFAPAY_MERCHANT_ID") or "").strip()
        password = env.get("EDFAPAY_PASSWORD") or ""
        default = ("live" if merchant_id and password else "disabled") if production else "fake"
        mode = (env.get("EDFAPAY_MODE") or default).strip().lower()
        if mode not in ("live", "fake", "disabled"):
            raise ConfigurationError(f"EDFAPAY_MODE must be live, fake or disabled, not {mode!r}")
        if mode == "live":
            missing = [n for n, v in (("EDFAPAY_MERCHANT_ID", merchant_id), ("EDFAPAY_PASSWORD", password)) if not v]
            if missing:
                raise ConfigurationError(f"EDFAPAY_MODE=live needs {', '.join(missing)}")
        data_dir = Path(data_dir) if data_dir else settings.default_data_dir(env)
        if mode == "fake":
            merchant_id = merchant_id or FAKE_MERCHANT_ID
            password = password or settings.dev_secret(data_dir, "invare.edfapay-password")
        try:
            timeout = float(env.get("EDFAPAY_TIMEOUT") or 10)
        except ValueError:
            raise ConfigurationError("EDFAPAY_TIMEOUT must be a number of seconds") from None
        currency = (env.get("EDFAPAY_CURRENCY") or "SAR").strip().upper()
        return cls(mode=mode, merchant_id=merchant_id, password=password, timeout=timeout, currency=currency,
                   api_base=(env.get("EDFAPAY_API_BASE") or DEFAULT_API_BASE).rstrip("/"),
                   public_base_url=public_base_url or "", data_dir=data_dir)


def _payer(payer, name, *aliases, default=""):
    for key in (name, *aliases):
        value = payer.get(key)
        if value is not None and str(value).strip():
            return " ".join(str(value).split())[:LIMITS.get(name, 255)]
    return default


def initiate_request(config, *, reference, amount, currency, description, payer, success_url):
    """The form fields of ``POST /payment/initiate``, hash included."""
    currency = (currency or config.currency).upper()
    order_amount = format(as_amount(amount, currency), "f")
    payer = payer or {}
    fields = {
        "action": "SALE", "edfa_merchant_id": config.merchant_id, "order_id": str(reference or ""),
        "order_amount": order_amount, "order_currency": currency,
        "order_description": " ".join((description or "").split())[:1024] or "Order payment", "req_token": "N",
        "payer_first_name": _payer(payer, "first_name", "firstName"),
        "payer_last_name": _payer(payer, "last_name", "lastName"),
        "payer_address": _payer(payer, "address"), "payer_country": _payer(payer, "country", default="SA").upper(),
        "payer_city": _payer(payer, "city"), "payer_zip": _payer(payer, "zip"),
        "payer_email": _payer(payer, "email"), "payer_phone": _payer(payer, "phone"),
        "payer_ip": _payer(payer, "ip"), "term_url_3ds": success_url or "", "auth": "N", "recurring_init": "N",
    }
    for field, name in (("order_id", "reference"), ("payer_email", "payer.email"), ("payer_ip", "payer.ip"),
                        ("payer_first_name", "payer.firstName"), ("payer_last_name", "payer.lastName"),
                        ("term_url_3ds", "termUrl3ds")):
        if not fields[field]:
            raise InvalidPaymentRequest(f"{name} is required.", field=name)
    fields["hash"] = initiate_hash(fields["order_id"], order_amount, currency, fields["order_description"],
                                   config.password)
    return fields


class _Callbacks:
    config: EdfaPayConfig

    def verify_callback(self, form, *, payer_email=None):
        """The callback's facts once its ``hash`` checks out (see :func:`callback_hash`), else
        :class:`CallbackSignatureInvalid`. ``payer_email``: the email sent at checkout (EdfaPay does not
        repeat it; a ``payer_email`` field in the form is used when none is given)."""
        fields = {k: (v if isinstance(v, str) else str(v)) for k, v in dict(form or {}).items()
                  if isinstance(v, (str, int))}
        order_id, trans_id, given = fields.get("order_id", ""), fields.get("trans_id", ""), fields.get("hash", "")
        if not order_id or not trans_id or not given:
            raise CallbackSignatureInvalid("The callback lacks order_id, trans_id or hash.", field="hash")
        email = payer_email or fields.get("payer_email") or fields.get("email") or ""
        expected = callback_hash(email, self.config.password, trans_id, fields.get("card", ""))
        if not email or not hmac.compare_digest(expected, given.strip().lower()):
            log.warning("edfapay callback for order %s with a wrong hash", order_id)
            raise CallbackSignatureInvalid("The callback signature is invalid.", field="hash")
        currency = fields.get("currency") or self.config.currency
        outcome = _outcome(fields.get("result"), fields.get("status"))
        return Callback(order_id=order_id, trans_id=trans_id, status=outcome,
                        amount=parse_amount(fields.get("amount"), currency), currency=currency,
                        action=fields.get("action", ""), result=fields.get("result", ""),
                        raw_status=fields.get("status", ""), decline_reason=fields.get("decline_reason", ""))


class EdfaPayGateway(_Callbacks):
    """The real adapter: EdfaPay's HTTP API through httpx."""

    def __init__(self, config):
        self.config = config
        self.http = HttpJson(PROVIDER, config.api_base, timeout=config.timeout)

    def create_checkout(self, *, reference, amount, description, payer, success_url, currency=None,
                        notification_url=None):
        """Start a hosted checkout. ``notification_url`` is not sent: EdfaPay posts callbacks to the URL
        configured in its dashboard."""
        fields = initiate_request(self.config, reference=reference, amount=amount, currency=currency,
                                  description=description, payer=payer, success_url=success_url)
        _, body = self.http.call("POST", "/payment/initiate", form=fields)
        redirect_url = body.get("redirect_url")
        parts = urlparse(redirect_url) if isinstance(redirect_url, str) else None
        if not parts or parts.scheme not in ("https", "http") or not parts.netloc:
            reason = body.get("error_message") or body.get("message") or body.get("errors") or sorted(body)
            raise PaymentProviderError(PROVIDER, f"initiate without a redirect_url: {str(reason)[:300]}")
        reference = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return Checkout(transaction_ref=reference or fields["order_id"], redirect_url=redirect_url)

    def transaction_status(self, *, order_id, trans_id):
        """What EdfaPay says about the payment ``trans_id`` (the callback's ``trans_id``, or the checkout's
        ``transaction_ref``) of ``order_id``."""
        if not isinstance(trans_id, str) or not RECORD_ID.fullmatch(trans_id):
            raise PaymentNotFound("Transaction not found.")
        request = {"merchant_id": self.config.merchant_id, "order_id": str(order_id), "gway_Payment_Id": trans_id,
                   "gway_Payment_id": trans_id, "hash": status_hash(trans_id, self.config.password)}
        status, body = self.http.call("POST", "/payment/status", json_body=request, passthrough=(404,))
        if status == 404:
            raise PaymentNotFound("Transaction not found.")
        record = body.get("responseBody") if isinstance(body.get("responseBody"), dict) else body
        raw = record.get("status")
        if not isinstance(raw, str) or not raw or str(record.get("result", "")).upper() == "ERROR":
            reason = record.get("error_message") or record.get("message") or sorted(record)
            raise PaymentProviderError(PROVIDER, f"status of {trans_id} without a status: {str(reason)[:300]}")
        if record.get("order_id") not in (None, "", str(order_id)):
            raise PaymentProviderError(PROVIDER, f"status of {trans_id} names order {record.get('order_id')!r}")
        currency = record.get("currency") or record.get("order_currency") or self.config.currency
        amount = record.get("amount", record.get("order_amount"))
        return TransactionStatus(status=_outcome("SUCCESS" if raw.upper() == "SETTLED" else "", raw),
                                 amount=parse_amount(amount, currency), currency=currency, raw_status=raw)


class FakeEdfaPay(_Callbacks):
    """Offline EdfaPay: transactions are files under ``<data_dir>/fake-payments/edfapay/`` (every worker
    sees them); the checkout page is the app's own ``/payments/fake/edfapay/{transaction_ref}``, which calls
    :meth:`complete` and hands the returned callback (form fields, correctly hashed) to the app's handler."""

    def __init__(self, config):
        self.config = config
        self.records = FileRecords(Path(config.data_dir) / "fake-payments" / "edfapay")

    def create_checkout(self, *, reference, amount, description, payer, success_url, currency=None,
                        notification_url=None):
        fields = initiate_request(self.config, reference=reference, amount=amount, currency=currency,
                                  description=description, payer=payer, success_url=success_url)
        trans_id = str(uuid.uuid4())
        self.records.create(trans_id, {
            "trans_id": trans_id, "order_id": fields["order_id"], "amount": fields["order_amount"],
            "currency": fields["order_currency"], "description": fields["order_description"],
            "payer_email": fields["payer_email"], "term_url_3ds": fields["term_url_3ds"],
            "notification_url": notification_url, "status": "PENDING"})
        redirect_url = absolute(self.config.public_base_url, FAKE_PAGE_PATH.format(transaction_ref=trans_id))
        log.info("fake edfapay checkout %s for %s %s (order %s): pay it at %s", trans_id, fields["order_amount"],
                 fields["order_currency"], fields["order_id"], redirect_url)
        return Checkout(transaction_ref=trans_id, redirect_url=redirect_url)

    def transaction_status(self, *, order_id, trans_id):
        record = self.records.get(trans_id)
        if record is None or record["order_id"] != str(order_id):
            raise PaymentNotFound("Transaction not found.")
        raw = record["status"]
        return TransactionStatus(status=_outcome("SUCCESS" if raw == "SETTLED" else "", raw),
                                 amount=parse_amount(record["amount"], record["currency"]),
                                 currency=record["currency"], raw_status=raw.lower())

    def complete(self, transaction_ref, outcome="paid"):
        """Settle (``outcome="paid"``) or decline (``"failed"``) the transaction, once: one already settled
        or declined stays as it is. Returns the callback EdfaPay would post and the page it would return to."""
        if outcome not in ("paid", "failed"):
            raise InvalidPaymentRequest("outcome must be paid or failed.", field="outcome")

        def settle(record):
            if record["status"] == "PENDING":
                record["status"] = "SETTLED" if outcome == "paid" else "DECLINED"
                record["trans_date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            return record

        record = self.records.update(transaction_ref, settle)
        if record is None:
            raise PaymentNotFound("Transaction not found.")
        settled = record["status"] == "SETTLED"
        form = {"action": "SALE", "result": "SUCCESS" if settled else "DECLINED", "status": record["status"],
                "order_id": record["order_id"], "trans_id": record["trans_id"], "trans_date": record["trans_date"],
                "amount": record["amount"], "currency": record["currency"], "card": FAKE_CARD,
                "card_brand": "MASTER", "card_expiration_date": "01/2039", "merchant_name": "Offline test merchant",
                "hash": callback_hash(record["payer_email"], self.config.password, record["trans_id"], FAKE_CARD)}
        if not settled:
            form["decline_reason"] = "Declined on the offline test checkout"
        return FakeCompletion(webhook=Webhook.form(form), return_url=record["term_url_3ds"],
                              outcome="paid" if settled else "failed", record=record)

    def page(self, transaction_ref, action_url):
        """The fake checkout page (HTML) for the transaction, posting ``outcome`` to ``action_url``."""
        record = self.records.get(transaction_ref)
        if record is None:
            raise PaymentNotFound("Transaction not found.")
        lines = [("Transaction", record["trans_id"]), ("Order", record["order_id"]),
                 ("Description", record["description"]), ("Amount", f"{record['amount']} {record['currency']}"),
                 ("Payer", record["payer_email"]), ("Status", record["status"])]
        return fake_checkout_page(provider="EdfaPay", lines=lines, action_url=action_url)


class DisabledEdfaPay(_Callbacks):
    """EdfaPay is not configured: checkout and status are a 502 "provider unavailable"; callbacks fail
    verification (there is no password to check them with)."""

    def __init__(self, config):
        self.config = config

    def _refuse(self, *args, **kwargs):
        raise PaymentProviderError(PROVIDER, "EdfaPay is not configured (EDFAPAY_MODE=disabled)", unavailable=True)

    create_checkout = transaction_status = _refuse

    def verify_callback(self, form, *, payer_email=None):
        raise CallbackSignatureInvalid("The callback signature is invalid.", field="hash")


def gateway_from_config(config):
    if config.mode == "live":
        return EdfaPayGateway(config)
    return FakeEdfaPay(config) if config.mode == "fake" else DisabledEdfaPay(config)


def gateway_from_env(env=None, *, production=False, data_dir=None, public_base_url=""):
    return gateway_from_config(EdfaPayConfig.from_env(env, production=production, data_dir=data_dir,
                                                      public_base_url=public_base_url))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m integrations.edfapay",
                                     description="Settle or decline a checkout of the offline EdfaPay fake.")
    parser.add_argument("command", choices=["complete"])
    parser.add_argument("transaction_ref")
    parser.add_argument("--fail", action="store_true", help="decline the payment instead of settling it")
    args = parser.parse_args(argv)
    config = EdfaPayConfig.from_env({**os.environ, "EDFAPAY_MODE": "fake"})
    done = FakeEdfaPay(config).complete(args.transaction_ref, outcome="failed" if args.fail else "paid")
    print(done.webhook.body.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
