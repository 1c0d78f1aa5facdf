"""Stripe: Checkout sessions, Connect Express onboarding, refunds and signed webhooks, behind one small
interface with an offline fake (``integrations/stripe_fake.py``).

Configuration (environment)::

    STRIPE_MODE            fake | live   (default: fake, live when APP_ENV=production; production refuses fake)
    STRIPE_SECRET_KEY      sk_...        (live: required)
    STRIPE_WEBHOOK_SECRET  whsec_...     (live: required; fake: generated once into the data directory)
    STRIPE_API_BASE        e.g. http://127.0.0.1:12111, to point the SDK at a local stub (default: Stripe)
    STRIPE_TIMEOUT         seconds per HTTP request (default 20)
    STRIPE_MAX_RETRIES     the SDK's retries of connection errors, 409 and 5xx (default 2; POSTs carry an
                           idempotency key, so a retry never charges twice)
    STRIPE_FAKE_BASE_URL   fake: the public root of this API for the fake checkout / onboarding pages

:class:`StripeGateway` talks to Stripe through its own ``stripe.StripeClient`` (no global module state).
:class:`~integrations.stripe_fake.FakeStripe` keeps sessions, payment intents, accounts and refunds in a
small file store under the data directory, so every worker of one installation sees the same objects.

Both answer the same calls; a provider failure is always one :class:`PaymentProviderError` (a
:class:`models.errors.UpstreamFailure`, so left alone it is a 502 in the product's error format, never a
500), and a bad webhook is always one :class:`WebhookSignatureInvalid`. The signing command reads the same
configuration::

    python -m integrations.stripe_payments sign-webhook < event.json     # the Stripe-Signature header
"""
import argparse
import hashlib
import hmac
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import stripe

from models.errors import UpstreamFailure
from server import settings

log = logging.getLogger("integrations.stripe")

WEBHOOK_TOLERANCE = 300  # seconds; Stripe's own default
UNAVAILABLE = "The payment provider is unavailable; please retry shortly."
REFUSED = "The payment provider refused the request."
MAX_METADATA_KEYS, MAX_METADATA_KEY, MAX_METADATA_VALUE = 50, 40, 500


class ConfigurationError(RuntimeError):
    pass


class PaymentProviderError(UpstreamFailure):
    """Stripe failed or refused; nothing was created. ``message`` is safe to show a caller (Stripe's own
    words only for card errors, which Stripe writes for customers); ``detail`` is Stripe's message, for logs.
    ``retriable``: the same request may succeed later (connection trouble, timeouts, rate limits, 409, 5xx):
    answer 503 with Retry-After; otherwise 502. ``code`` is Stripe's error code (``card_declined``,
    ``resource_missing``, ...); ``status`` the HTTP status Stripe answered, if any."""

    def __init__(self, message, *, retriable, code=None, status=None, detail=None, request_id=None):
        super().__init__(message, code=code)
        self.retriable = retriable
        self.retry_after = 5 if retriable else None  # 503 with Retry-After, not 502
        self.status = status
        self.detail = detail or message
        self.request_id = request_id


class WebhookSignatureInvalid(Exception):
    """The webhook's Stripe-Signature does not match its body (missing, malformed, wrong secret, tampered,
    older than the tolerance) or the body is not a Stripe event. Answer 400; process nothing."""


def sign_payload(secret, payload, timestamp=None):
    """The ``Stripe-Signature`` header Stripe would send for ``payload`` (bytes):
    ``t=<unix seconds>,v1=hex(HMAC_SHA256(secret, "<t>.<payload>"))``."""
    if isinstance(payload, str):
        payload = payload.encode()
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + bytes(payload), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_event(raw_body, signature_header, secret, *, tolerance=WEBHOOK_TOLERANCE):
    """The event in ``raw_body`` as a plain dict, after ``stripe.Webhook.construct_event`` checked its
    signature and age. Anything wrong raises :class:`WebhookSignatureInvalid`."""
    if isinstance(raw_body, str):
        raw_body = raw_body.encode()
    if not isinstance(raw_body, (bytes, bytearray)):
        raise WebhookSignatureInvalid("The webhook body must be the raw request bytes.")
    try:
        # the api_key only builds the Event's (unused) requestor; it keeps the SDK off its global key
        stripe.Webhook.construct_event(bytes(raw_body), signature_header, secret, tolerance, api_key="sk_unused")
        event = json.loads(raw_body)
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureInvalid(exc.user_message or "Invalid signature.") from None
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):  # not UTF-8, not JSON, not an event
        raise WebhookSignatureInvalid("The webhook body is not a Stripe event.") from None
    data = event.get("data") if isinstance(event, dict) else None
    if not (isinstance(data, dict) and isinstance(event.get("id"), str) and isinstance(event.get("type"), str)
            and isinstance(data.get("object"), dict)):
        raise WebhookSignatureInvalid("The webhook body is not a Stripe event.")
    return event


def checkout_params(*, reference, line_items, currency, success_url, cancel_url, metadata=None,
                    customer_email=None):
    """The Checkout Session create parameters (mode ``payment``, card, one ``price_data`` line per item,
    amounts in the currency's smallest unit). Mistakes in the caller's data raise ``ValueError``: the app
    checks its own input before it asks for a session."""
    currency = str(currency or "").strip().lower()
    if len(currency) != 3 or not currency.isalpha():
        raise ValueError(f"currency must be a three-letter ISO code, not {currency!r}")
    if not line_items:
        raise ValueError("a checkout session needs at least one line item")
    for name, url in (("success_url", success_url), ("cancel_url", cancel_url)):
        if not isinstance(url, str) or ":" not in url:
            raise ValueError(f"{name} must be an absolute URL")
    meta = clean_metadata(metadata)
    params = {"mode": "payment", "payment_method_types": ["card"], "client_reference_id": str(reference),
              "line_items": [_line(item, currency) for item in line_items], "success_url": success_url,
              "cancel_url": cancel_url, "metadata": meta, "payment_intent_data": {"metadata": meta}}
    if customer_email:
        params["customer_email"] = customer_email
    return params


def _line(item, currency):
    name, amount, quantity = item.get("name"), item.get("unit_amount"), item.get("quantity", 1)
    if not isinstance(name, str) or not name.strip():
        raise ValueError("every line item needs a name")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ValueError(f"unit_amount must be a non-negative integer in cents, not {amount!r}")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ValueError(f"quantity must be a positive integer, not {quantity!r}")
    product = {"name": name.strip()[:250]}
    images = [url for url in (item.get("images") or []) if isinstance(url, str) and url.startswith("http")][:8]
    if images:
        product["images"] = images
    return {"price_data": {"currency": currency, "unit_amount": amount, "product_data": product},
            "quantity": quantity}


def clean_metadata(metadata):
    """Stripe metadata: at most 50 string keys of 40 characters, string values of 500."""
    metadata = dict(metadata or {})
    if len(metadata) > MAX_METADATA_KEYS:
        raise ValueError(f"metadata holds at most {MAX_METADATA_KEYS} keys")
    cleaned = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key or len(key) > MAX_METADATA_KEY or "[" in key:
            raise ValueError(f"metadata key {key!r} must be 1-{MAX_METADATA_KEY} characters without brackets")
        if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > MAX_METADATA_VALUE:
            raise ValueError(f"metadata value for {key!r} must be a string of at most {MAX_METADATA_VALUE}")
        cleaned[key] = str(value)
    return cleaned


def amount_total(params):
    return sum(line["price_data"]["unit_amount"] * line["quantity"] for line in params["line_items"])


@dataclass(frozen=True)
class StripeConfig:
    mode: str = "fake"                    # fake | live
    secret_key: str = ""
    webhook_secret: str = ""
    api_base: str | None = None           # one root for the api, connect and files addresses
    timeout: float = 20.0
    max_network_retries: int = 2
    data_dir: Path | None = None          # fake: where its file store lives
    public_base_url: str = ""             # fake: the API root its pages are served under
    request_base_url: Callable[[], str] | None = None  # fake, without public_base_url: the API root the
    # current request came in on (so a link works on whatever host and port the server answers)
    checkout_path: str = "/stripe/fake-checkout/{session_id}"
    onboarding_path: str = "/stripe/fake-onboarding/{link_id}"

    @classmethod
    def from_env(cls, env=None, *, production=False, data_dir=None, public_base_url="", **overrides):
        """``data_dir``: where the fake's generated webhook secret and store live (default: the data
        directory). ``public_base_url``: the API root the fake's pages are mounted under (e.g.
        ``http://localhost:5000/api``); ``STRIPE_FAKE_BASE_URL`` wins. ``overrides``: other fields."""
        env = os.environ if env is None else env
        mode = (env.get("STRIPE_MODE") or ("live" if production else "fake")).strip().lower()
        if mode not in ("fake", "live"):
            raise ConfigurationError(f"STRIPE_MODE must be fake or live, not {mode!r}")
        if mode == "fake" and production:
            raise ConfigurationError("STRIPE_MODE=fake is refused in production: its checkout page marks "
                                     "orders paid without a payment")
        secret_key = env.get("STRIPE_SECRET_KEY") or ""
        webhook_secret = env.get("STRIPE_WEBHOOK_SECRET") or ""
        if mode == "live":
            missing = [n for n, v in (("STRIPE_SECRET_KEY", secret_key), ("STRIPE_WEBHOOK_SECRET", webhook_secret))
                       if not v]
            if missing:
                raise ConfigurationError(f"STRIPE_MODE=live needs {', '.join(missing)}")
        data_dir = Path(data_dir or settings.default_data_dir(env))
        if not webhook_secret:
            webhook_secret = "whsec_" + settings.dev_secret(data_dir, "stripe-webhook-secret")
        try:
            timeout = float(env.get("STRIPE_TIMEOUT") or 20)
            retries = int(env.get("STRIPE_MAX_RETRIES") or 2)
        except ValueError:
            raise ConfigurationError("STRIPE_TIMEOUT must be seconds and STRIPE_MAX_RETRIES a whole number") from None
        values = {"mode": mode, "secret_key": secret_key, "webhook_secret": webhook_secret,
                  "api_base": (env.get("STRIPE_API_BASE") or "").rstrip("/") or None, "timeout": timeout,
                  "max_network_retries": max(retries, 0), "data_dir": data_dir,
                  "public_base_url": (env.get("STRIPE_FAKE_BASE_URL") or public_base_url or "").rstrip("/")}
        return cls(**{**values, **overrides})


class _Webhooks:
    config: StripeConfig

    @property
    def mode(self):
        return self.config.mode

    def construct_event(self, raw_body, signature_header):
        """The verified event (a plain dict: ``id``, ``type``, ``data.object``, ...) or
        :class:`WebhookSignatureInvalid`."""
        return verify_event(raw_body, signature_header, self.config.webhook_secret)


class StripeGateway(_Webhooks):
    """The real adapter: the official SDK, one ``StripeClient`` per gateway."""

    def __init__(self, config, http_client=None):
        self.config = config
        addresses = ({"api": config.api_base, "connect": config.api_base, "files": config.api_base}
                     if config.api_base else None)
        self.client = stripe.StripeClient(
            config.secret_key, base_addresses=addresses, max_network_retries=config.max_network_retries,
            http_client=http_client or stripe.RequestsClient(timeout=config.timeout))

    def _call(self, action, request, *args, **kwargs):
        try:
            return request(*args, **kwargs).to_dict()
        except stripe.StripeError as exc:
            raise provider_error(exc, action) from None

    def create_checkout_session(self, *, reference, line_items, currency, success_url, cancel_url, metadata=None,
                                customer_email=None, idempotency_key=None):
        """``{"id": "cs_...", "url": "https://checkout.stripe.com/..."}``. ``success_url`` may contain
        ``{CHECKOUT_SESSION_ID}``, which Stripe replaces when it redirects."""
        params = checkout_params(reference=reference, line_items=line_items, currency=currency,
                                 success_url=success_url, cancel_url=cancel_url, metadata=metadata,
                                 customer_email=customer_email)
        options = {"idempotency_key": idempotency_key} if idempotency_key else None
        session = self._call("checkout session create", self.client.v1.checkout.sessions.create, params, options)
        return {"id": session["id"], "url": session.get("url")}

    def retrieve_checkout_session(self, session_id):
        session = self._call("checkout session retrieve", self.client.v1.checkout.sessions.retrieve, session_id)
        return session_summary(session)

    def create_express_account(self, *, email, metadata=None, country="US"):
        params = {"type": "express", "country": country, "email": email, "metadata": clean_metadata(metadata),
                  "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}}}
        return self._call("account create", self.client.v1.accounts.create, params)["id"]

    def create_account_link(self, *, account_id, refresh_url, return_url):
        params = {"account": account_id, "refresh_url": refresh_url, "return_url": return_url,
                  "type": "account_onboarding"}
        return self._call("account link create", self.client.v1.account_links.create, params)["url"]

    def retrieve_account(self, account_id):
        return account_summary(self._call("account retrieve", self.client.v1.accounts.retrieve, account_id))

    def refund(self, *, payment_intent, amount=None, metadata=None):
        """Refund ``amount`` cents (default: whatever is left) of a payment. ``{"id": "re_...", "status"}``."""
        params = {"payment_intent": payment_intent}
        if amount is not None:
            params["amount"] = int(amount)
        if metadata:
            params["metadata"] = clean_metadata(metadata)
        refund = self._call("refund", self.client.v1.refunds.create, params)
        return {"id": refund["id"], "status": refund.get("status")}


def session_summary(session):
    """What the app reads back from a Checkout Session (the same keys from the fake)."""
    intent = session.get("payment_intent")
    return {"id": session["id"], "url": session.get("url"), "status": session.get("status"),
            "payment_status": session.get("payment_status"),
            "payment_intent": intent.get("id") if isinstance(intent, dict) else intent,
            "amount_total": session.get("amount_total"), "currency": session.get("currency"),
            "client_reference_id": session.get("client_reference_id"), "metadata": session.get("metadata") or {}}


def account_summary(account):
    requirements = account.get("requirements") or {}
    return {"id": account["id"], "charges_enabled": bool(account.get("charges_enabled")),
            "payouts_enabled": bool(account.get("payouts_enabled")),
            "details_submitted": bool(account.get("details_submitted")),
            "requirements_due": list(requirements.get("currently_due") or [])}


def provider_error(exc, action):
    """One :class:`PaymentProviderError` for any SDK error, logged once with Stripe's request id."""
    status = exc.http_status
    retriable = (isinstance(exc, (stripe.APIConnectionError, stripe.RateLimitError))
                 or (status is not None and (status >= 500 or status == 409))
                 or (status is None and isinstance(exc, stripe.APIError)))
    if isinstance(exc, stripe.CardError):
        message = exc.user_message or "The card was declined."
    else:
        message = UNAVAILABLE if retriable else REFUSED
    code = exc.code or getattr(exc.error, "code", None)
    log.warning("stripe %s failed (%s %s, code %s, request %s): %s", action, type(exc).__name__, status,
                code, exc.request_id, exc.user_message or exc)
    return PaymentProviderError(message, retriable=retriable, code=code, status=status,
                                detail=exc.user_message or str(exc), request_id=exc.request_id)


def gateway_from_config(config):
    if config.mode == "live":
        return StripeGateway(config)
    from integrations.stripe_fake import FakeStripe

    return FakeStripe(config)


def gateway_from_env(env=None, *, production=False, data_dir=None, public_base_url="", request_base_url=None):
    return gateway_from_config(StripeConfig.from_env(env, production=production, data_dir=data_dir,
                                                     public_base_url=public_base_url,
                                                     request_base_url=request_base_url))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m integrations.stripe_payments",
                                     description="Sign Stripe webhook payloads with the configured secret.")
    commands = parser.add_subparsers(dest="command", required=True)
    hook = commands.add_parser("sign-webhook", help="the Stripe-Signature header for the raw body on stdin")
    hook.add_argument("--file", help="read the body from this file instead of stdin")
    args = parser.parse_args(argv)
    config = StripeConfig.from_env()
    body = Path(args.file).read_bytes() if args.file else sys.stdin.buffer.read()
    print(sign_payload(config.webhook_secret, body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
