"""Razorpay: orders and signatures, behind one small interface with an offline fake.

Both adapters read ``RAZORPAY_KEY_ID``, ``RAZORPAY_KEY_SECRET`` and ``RAZORPAY_WEBHOOK_SECRET`` and compute
signatures exactly as Razorpay does:

* payment (Checkout handler): ``hex(HMAC_SHA256(key_secret, "<razorpay_order_id>|<razorpay_payment_id>"))``
* webhook: ``hex(HMAC_SHA256(webhook_secret, <raw request body>))`` in the ``X-Razorpay-Signature`` header

:class:`RazorpayGateway` creates orders through the ``razorpay`` SDK (``RAZORPAY_BASE_URL`` points it at a
stub in tests). :class:`FakeRazorpay`, the development default (``RAZORPAY_MODE=fake``), creates orders
and refunds locally and signs payments and webhooks, so the whole checkout can be walked on one machine.
Without ``RAZORPAY_KEY_SECRET`` / ``RAZORPAY_WEBHOOK_SECRET`` the fake uses secrets generated once per
installation into ``var/`` (like the development JWT secret), never a published constant; the commands
below read the same files::

    python -m integrations.razorpay sign-payment order_XXXX            # a payment id and its signature
    python -m integrations.razorpay sign-webhook < payload.json         # the X-Razorpay-Signature header
"""
import argparse
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import threading
from dataclasses import dataclass

from server import settings

log = logging.getLogger("integrations.razorpay")

DEV_KEY_ID = "rzp_test_ionora_fake"  # public anyway: Checkout shows the key id to every browser
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class PaymentGatewayError(Exception):
    """Razorpay could not be reached or refused the request; nothing was created."""


class ConfigurationError(RuntimeError):
    pass


def payment_signature(key_secret, order_id, payment_id):
    message = f"{order_id}|{payment_id}".encode()
    return hmac.new(key_secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_signature(webhook_secret, body):
    if isinstance(body, str):
        body = body.encode()
    return hmac.new(webhook_secret.encode(), body, hashlib.sha256).hexdigest()


def _same(expected, given):
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.strip().encode())


def dev_secret(name, directory=None):
    """The fake's secret ``name``, generated once per installation into ``directory`` (default: the
    data directory, ``DATA_DIR`` or ``./var``), so a restart and the signing commands use the same value."""
    return settings.dev_secret(directory or settings.default_data_dir(), f"ionora.razorpay-{name}")


def _razorpay_id(prefix):
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(14))


@dataclass(frozen=True)
class RazorpayConfig:
    key_id: str
    key_secret: str
    webhook_secret: str
    mode: str = "fake"                 # fake | live
    base_url: str | None = None        # the API root, e.g. https://api.razorpay.com (the SDK default)
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env=None, *, production=False, secrets_dir=None):
        """``secrets_dir``: where the fake's generated secrets live (default: the data directory)."""
        env = os.environ if env is None else env
        mode = (env.get("RAZORPAY_MODE") or ("live" if production else "fake")).strip().lower()
        if mode not in ("fake", "live"):
            raise ConfigurationError(f"RAZORPAY_MODE must be fake or live, not {mode!r}")
        key_id = env.get("RAZORPAY_KEY_ID") or ""
        key_secret = env.get("RAZORPAY_KEY_SECRET") or ""
        webhook_secret = env.get("RAZORPAY_WEBHOOK_SECRET") or ""
        if mode == "live":
            missing = [n for n, v in (("RAZORPAY_KEY_ID", key_id), ("RAZORPAY_KEY_SECRET", key_secret),
                                      ("RAZORPAY_WEBHOOK_SECRET", webhook_secret)) if not v]
            if missing:
                raise ConfigurationError(f"RAZORPAY_MODE=live needs {', '.join(missing)}")
        return cls(key_id=key_id or DEV_KEY_ID, key_secret=key_secret or dev_secret("key-secret", secrets_dir),
                   webhook_secret=webhook_secret or dev_secret("webhook-secret", secrets_dir), mode=mode,
                   base_url=env.get("RAZORPAY_BASE_URL") or None,
                   timeout=float(env.get("RAZORPAY_TIMEOUT", "10")))


class _Signatures:
    config: RazorpayConfig

    @property
    def key_id(self):
        return self.config.key_id

    def verify_payment(self, *, order_id, payment_id, signature):
        return _same(payment_signature(self.config.key_secret, order_id, payment_id), signature)

    def verify_webhook(self, *, body, signature):
        return _same(webhook_signature(self.config.webhook_secret, body), signature)


class RazorpayGateway(_Signatures):
    """The real adapter: the ``razorpay`` SDK over HTTPS (or whatever ``base_url`` says)."""

    def __init__(self, config):
        import razorpay

        self.config = config
        options = {"base_url": config.base_url} if config.base_url else {}
        self.client = razorpay.Client(auth=(config.key_id, config.key_secret), **options)
        self.client.set_app_details({"title": "Ionora", "version": "1.0"})

    def create_order(self, *, amount, currency, receipt, notes=None):
        """``amount`` in paise. Returns Razorpay's order entity (``id`` is ``order_...``)."""
        data = {"amount": int(amount), "currency": currency, "receipt": receipt, "payment_capture": 1,
                "notes": notes or {}}
        try:
            order = self.client.order.create(data, timeout=self.config.timeout)
        except Exception as exc:  # the SDK raises its own errors, requests' errors and JSON errors
            log.warning("razorpay order create failed: %s: %s", type(exc).__name__, exc)
            raise PaymentGatewayError(str(exc) or type(exc).__name__) from exc
        if not isinstance(order, dict) or not order.get("id"):
            raise PaymentGatewayError("Razorpay answered without an order id")
        return order

    def refund(self, *, payment_id, amount, notes=None):
        """Refund ``amount`` paise of a captured payment. Returns Razorpay's refund entity (``rfnd_...``)."""
        data = {"amount": int(amount), "speed": "normal", "notes": notes or {}}
        try:
            refund = self.client.payment.refund(payment_id, data, timeout=self.config.timeout)
        except Exception as exc:
            log.warning("razorpay refund of %s failed: %s: %s", payment_id, type(exc).__name__, exc)
            raise PaymentGatewayError(str(exc) or type(exc).__name__) from exc
        if not isinstance(refund, dict) or not refund.get("id"):
            raise PaymentGatewayError("Razorpay answered without a refund id")
        return refund


class FakeRazorpay(_Signatures):
    """Offline Razorpay: orders and refunds live in memory; payments and webhooks are signed with the
    configured secrets, exactly as Razorpay signs them. ``fail_next`` makes the next ``create_order`` or
    ``refund`` fail. A payment is refunded at most once (Razorpay refuses to refund more than was paid)."""

    def __init__(self, config):
        self.config = config
        self.orders = {}
        self.refunds = {}  # payment id -> refund entity
        self.fail_next = 0
        self._lock = threading.Lock()

    def create_order(self, *, amount, currency, receipt, notes=None):
        with self._lock:
            if self.fail_next:
                self.fail_next -= 1
                raise PaymentGatewayError("fake razorpay: order creation failed (fail_next)")
            order = {"id": _razorpay_id("order_"), "entity": "order", "amount": int(amount), "amount_paid": 0,
                     "amount_due": int(amount), "currency": currency, "receipt": receipt, "status": "created",
                     "notes": notes or {}}
            self.orders[order["id"]] = order
            while len(self.orders) > 1000:
                self.orders.pop(next(iter(self.orders)))
        payment_id, signature = self.sign_payment(order["id"])
        log.info("fake razorpay order %s for %s paise (receipt %s); to pay it, POST /api/checkout/payment with "
                 "razorpay_payment_id=%s razorpay_signature=%s", order["id"], amount, receipt, payment_id, signature)
        return order

    def refund(self, *, payment_id, amount, notes=None):
        with self._lock:
            if self.fail_next:
                self.fail_next -= 1
                raise PaymentGatewayError("fake razorpay: refund failed (fail_next)")
            if payment_id in self.refunds:
                raise PaymentGatewayError("The payment has been fully refunded already")
            refund = {"id": _razorpay_id("rfnd_"), "entity": "refund", "amount": int(amount), "currency": "INR",
                      "payment_id": payment_id, "notes": notes or {}, "status": "processed", "speed_processed": "normal"}
            self.refunds[payment_id] = refund
            while len(self.refunds) > 1000:
                self.refunds.pop(next(iter(self.refunds)))
        log.info("fake razorpay refund %s of %s paise for payment %s", refund["id"], amount, payment_id)
        return refund

    def sign_payment(self, order_id, payment_id=None):
        payment_id = payment_id or _razorpay_id("pay_")
        return payment_id, payment_signature(self.config.key_secret, order_id, payment_id)

    def sign_webhook(self, body):
        return webhook_signature(self.config.webhook_secret, body)


def gateway_from_config(config):
    return RazorpayGateway(config) if config.mode == "live" else FakeRazorpay(config)


def gateway_from_env(env=None, *, production=False):
    return gateway_from_config(RazorpayConfig.from_env(env, production=production))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m integrations.razorpay",
                                     description="Sign Razorpay payloads with the configured secrets.")
    commands = parser.add_subparsers(dest="command", required=True)
    pay = commands.add_parser("sign-payment", help="a payment id and its Checkout signature for an order")
    pay.add_argument("order_id")
    pay.add_argument("--payment-id")
    hook = commands.add_parser("sign-webhook", help="the X-Razorpay-Signature of the raw body on stdin")
    hook.add_argument("--file", help="read the body from this file instead of stdin")
    args = parser.parse_args(argv)
    config = RazorpayConfig.from_env()
    if args.command == "sign-payment":
        payment_id = args.payment_id or _razorpay_id("pay_")
        print(json.dumps({"razorpay_order_id": args.order_id, "razorpay_payment_id": payment_id,
                          "razorpay_signature": payment_signature(config.key_secret, args.order_id, payment_id)}))
        return 0
    body = open(args.file, "rb").read() if args.file else sys.stdin.buffer.read()
    print(webhook_signature(config.webhook_secret, body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
