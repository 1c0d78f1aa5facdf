"""What the hosted-checkout adapters (Thawani, EdfaPay) share: their errors, one HTTP call with explicit
timeouts, amounts in minor units, the offline fakes' file records and the fakes' checkout page.

Errors are domain errors, so whatever the app forgets to catch is still answered in the product's format:

* :class:`PaymentProviderError` (an ``UpstreamFailure``: 502) – the provider could not be reached, timed
  out, failed (5xx: ``unavailable`` is true, worth a retry) or refused the request (4xx, an answer without
  the expected fields, a session for another amount: ``unavailable`` is false). Its ``message`` is safe to
  show; ``detail`` (for the log) says what happened.
* :class:`PaymentNotFound` (a ``NotFound``: 404) – the provider does not know that session / transaction.
* :class:`InvalidPaymentRequest` (an ``InvalidInput``: 400) – the request cannot be sent as it is (an amount
  with more decimals than the currency has, below the provider's minimum, a malformed id).
"""
import fcntl
import html
import json
import logging
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlencode

import httpx

from models.errors import InvalidInput, NotFound, UpstreamFailure

log = logging.getLogger("integrations.payments")

PROVIDER_FAILED = "The payment provider could not process the request; please try again later."
PROVIDER_UNAVAILABLE = "The payment provider is unavailable; please try again later."
# Currencies whose amounts have 3 or 0 decimals (ISO 4217 exponents); every other one has 2.
THREE_DECIMALS = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
NO_DECIMALS = {"CLP", "ISK", "JPY", "KRW", "UGX", "VND", "XAF", "XOF"}
RECORD_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


RETRY_AFTER = 5  # seconds a caller waits before retrying when a provider is unavailable


class PaymentProviderError(UpstreamFailure):
    def __init__(self, provider, detail, *, unavailable=False, status=None):
        super().__init__(PROVIDER_UNAVAILABLE if unavailable else PROVIDER_FAILED, code="payment_provider")
        self.provider = provider
        self.detail = detail
        self.unavailable = unavailable
        self.retry_after = RETRY_AFTER if unavailable else None  # 503 with Retry-After, not 502
        self.status = status

    def __str__(self):
        return f"{self.provider}: {self.detail}"


class PaymentNotFound(NotFound):
    pass


class InvalidPaymentRequest(InvalidInput):
    pass


def decimals(currency):
    currency = (currency or "").upper()
    return 3 if currency in THREE_DECIMALS else 0 if currency in NO_DECIMALS else 2


def as_amount(value, currency, *, field_name="amount"):
    """``value`` (Decimal, int or a decimal string) as a positive Decimal with exactly the currency's
    decimals; more decimals than the currency has (or not a number) is an :class:`InvalidPaymentRequest`."""
    places = decimals(currency)
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidPaymentRequest(f"{field_name} must be a number.", field=field_name) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidPaymentRequest(f"{field_name} must be greater than zero.", field=field_name)
    exact = amount.quantize(Decimal(1).scaleb(-places))
    if exact != amount:
        raise InvalidPaymentRequest(f"{field_name} has more than {places} decimals for {currency}.", field=field_name)
    return exact


def to_minor(value, currency):
    """The amount in the currency's minor unit (OMR → baisa, SAR → halalas) as an int."""
    return int(as_amount(value, currency).scaleb(decimals(currency)))


def from_minor(minor, currency):
    places = decimals(currency)
    return (Decimal(int(minor)).scaleb(-places)).quantize(Decimal(1).scaleb(-places))


def parse_amount(value, currency):
    """An amount a provider reported (``"100.00"``, ``100``), or ``None`` when it is missing or not a number."""
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(Decimal(1).scaleb(-decimals(currency)))


class HttpJson:
    """One provider's HTTP API: every call has connect/read timeouts; transport errors, timeouts and 5xx
    answers become ``PaymentProviderError(unavailable=True)``, 4xx and bodies that are not JSON objects
    ``PaymentProviderError(unavailable=False)`` (unless the caller asks to see some 4xx statuses itself)."""

    def __init__(self, provider, base_url, *, timeout, headers=None):
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
                                   headers=headers or {}, follow_redirects=False)

    def call(self, method, path, *, json_body=None, form=None, passthrough=()):
        url = self.base_url + path
        try:
            response = self.client.request(method, url, json=json_body, data=form,
                                           headers={"Accept": "application/json"})
        except httpx.TimeoutException as exc:
            raise self._error(f"{method} {path} timed out ({type(exc).__name__})", unavailable=True) from None
        except httpx.HTTPError as exc:
            raise self._error(f"{method} {path} failed: {type(exc).__name__}: {exc}", unavailable=True) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status in passthrough:
            return status, body if isinstance(body, dict) else {}
        if status >= 500:
            raise self._error(f"{method} {path} answered {status}: {_excerpt(response.text)}", unavailable=True,
                              status=status)
        if status >= 400:
            raise self._error(f"{method} {path} refused with {status}: {_excerpt(response.text)}", status=status)
        if not isinstance(body, dict):
            raise self._error(f"{method} {path} answered {status} without a JSON object: {_excerpt(response.text)}",
                              status=status)
        return status, body

    def _error(self, detail, *, unavailable=False, status=None):
        log.warning("%s: %s", self.provider, detail)
        return PaymentProviderError(self.provider, detail, unavailable=unavailable, status=status)

    def close(self):
        self.client.close()


def _excerpt(text, limit=300):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"


class FileRecords:
    """The fakes' records: one JSON file per id under ``directory``, replaced atomically (write a temporary
    file, fsync, rename), read-modify-write under an exclusive lock on ``directory/.lock``. Every worker
    process of the app sees the same records."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def _path(self, record_id):
        if not isinstance(record_id, str) or not RECORD_ID.fullmatch(record_id):
            return None
        return self.directory / f"{record_id}.json"

    def get(self, record_id):
        path = self._path(record_id)
        if path is None:
            return None
        try:
            return json.loads(path.read_text())
        except FileNotFoundError:
            return None

    def create(self, record_id, record):
        with self._locked():
            self._write(record_id, record)
        return record

    def update(self, record_id, change):
        """``change(record) -> record`` under the lock; ``None`` when there is no such record."""
        with self._locked():
            record = self.get(record_id)
            if record is None:
                return None
            record = change(dict(record))
            self._write(record_id, record)
            return record

    @contextmanager
    def _locked(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, record_id, record):
        path = self._path(record_id)
        if path is None:
            raise ValueError(f"not a record id: {record_id!r}")
        handle = tempfile.NamedTemporaryFile("w", dir=self.directory, prefix=".tmp-", suffix=".json", delete=False)
        try:
            with handle:
                json.dump(record, handle, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class Webhook:
    """A notification as the provider would deliver it: ``content_type``, the raw ``body`` and ``data``
    (the JSON object, or the form fields as a dict of strings)."""
    content_type: str
    body: bytes
    data: dict

    @classmethod
    def json(cls, data):
        return cls("application/json", json.dumps(data).encode(), data)

    @classmethod
    def form(cls, fields):
        fields = {k: str(v) for k, v in fields.items()}
        return cls("application/x-www-form-urlencoded", urlencode(fields).encode(), fields)


@dataclass(frozen=True)
class FakeCompletion:
    """What a fake's ``complete()`` did: the webhook to hand to the app's own handler, and where the
    provider would now send the customer's browser (``return_url``)."""
    webhook: Webhook
    return_url: str
    outcome: str
    record: dict = field(default_factory=dict)


def fake_checkout_page(*, provider, lines, action_url):
    """A minimal HTML page for a fake checkout: what is being paid and two buttons that POST
    ``outcome=paid`` or ``outcome=failed`` to ``action_url``."""
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in lines)
    action = html.escape(action_url, quote=True)
    return (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(provider)} (offline test checkout)</title></head><body>"
        f"<h1>{html.escape(provider)}: offline test checkout</h1>"
        "<p>No money moves: this page stands in for the provider while it is not configured.</p>"
        f"<table>{rows}</table>"
        f"<form method=\"post\" action=\"{action}\">"
        "<button name=\"outcome\" value=\"paid\">Pay</button> "
        "<button name=\"outcome\" value=\"failed\">Fail the payment</button></form></body></html>"
    )


def absolute(base_url, path):
    """``base_url`` + ``path``; just ``path`` when there is no base (the app then prefixes its own host)."""
    return (base_url or "").rstrip("/") + path
