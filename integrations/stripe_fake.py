"""Offline Stripe, the development default (``STRIPE_MODE=fake``): a person can walk a card purchase and a
shop's Connect onboarding on one machine.

* ``create_checkout_session`` stores an open session and answers ``{"id": "cs_test_...", "url"}``, where
  ``url`` is a page of the app: ``<public_base_url><checkout_path>`` (default
  ``/stripe/fake-checkout/{session_id}``). That page shows :func:`checkout_page` and, on "Pay", calls
  ``complete(session_id)``, which marks the session paid and returns ``(raw_body, signature_header)``: a
  ``checkout.session.completed`` event signed with the webhook secret, for the app to hand to its own
  webhook handler exactly as Stripe would; then it redirects to ``success_redirect(session_id)``.
* ``create_account_link`` answers ``<public_base_url><onboarding_path>`` (default
  ``/stripe/fake-onboarding/{link_id}``); that page calls ``finish_onboarding(link_id)``, which enables the
  account and returns the URL to redirect to (``return_url``, or ``refresh_url`` for a used or expired link).

Objects live as JSON files under ``<data dir>/stripe-fake/`` (one per object, written atomically, changed
under a file lock), so every worker and every restart sees the same state; ids are random, so they cannot be
guessed, and an id that is not in the store is Stripe's ``resource_missing``.
"""
import contextlib
import fcntl
import html
import json
import logging
import os
import re
import secrets
import string
import time
from pathlib import Path

import stripe

from integrations.stripe_payments import (
    PaymentProviderError, _Webhooks, account_summary, amount_total, checkout_params, clean_metadata,
    session_summary, sign_payload,
)
from server import settings

log = logging.getLogger("integrations.stripe")

_ALNUM = string.ascii_letters + string.digits
_ID = re.compile(r"(cs_test|pi|ch|re|acct|evt|link)_[A-Za-z0-9]{16,64}")
SESSION_LIFETIME = 24 * 3600   # Stripe's default expires_at
LINK_LIFETIME = 300            # account links expire after a few minutes
REQUIREMENTS = ["business_profile.url", "external_account", "individual.dob.day", "individual.first_name",
                "individual.last_name", "tos_acceptance.date", "tos_acceptance.ip"]


def new_id(prefix, length=24):
    return f"{prefix}_" + "".join(secrets.choice(_ALNUM) for _ in range(length))


def missing(kind, object_id):
    return PaymentProviderError("The payment provider refused the request.", retriable=False,
                                code="resource_missing", status=404, detail=f"No such {kind}: '{object_id}'")


class FileStore:
    """One JSON file per object; ``locked()`` serialises read-modify-write across threads and processes."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, object_id):
        if not isinstance(object_id, str) or not _ID.fullmatch(object_id):
            return None
        return self.directory / f"{object_id}.json"

    def get(self, object_id):
        path = self._path(object_id)
        try:
            return json.loads(path.read_text()) if path else None
        except FileNotFoundError:
            return None

    def put(self, obj):
        path = self._path(obj["id"])
        temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        temporary.write_text(json.dumps(obj))
        os.replace(temporary, path)

    @contextlib.contextmanager
    def locked(self):
        with open(self.directory / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class FakeStripe(_Webhooks):
    """Same calls and answers as :class:`~integrations.stripe_payments.StripeGateway`, offline.
    ``fail_next``: the next N calls that would reach Stripe raise a retriable :class:`PaymentProviderError`
    (for tests of the app's 503 path; this counter alone is per process)."""

    def __init__(self, config):
        self.config = config
        self.store = FileStore(Path(config.data_dir or settings.default_data_dir()) / "stripe-fake")
        self.fail_next = 0

    def _page(self, path):
        base = self.config.public_base_url
        if not base and self.config.request_base_url is not None:
            base = self.config.request_base_url()
        return (base or "http://localhost").rstrip("/") + path

    def _maybe_fail(self, action):
        if self.fail_next:
            self.fail_next -= 1
            raise PaymentProviderError("The payment provider is unavailable; please retry shortly.", retriable=True,
                                       status=503, detail=f"fake stripe: {action} failed (fail_next)")

    # --- Checkout

    def create_checkout_session(self, *, reference, line_items, currency, success_url, cancel_url, metadata=None,
                                customer_email=None, idempotency_key=None):
        params = checkout_params(reference=reference, line_items=line_items, currency=currency,
                                 success_url=success_url, cancel_url=cancel_url, metadata=metadata,
                                 customer_email=customer_email)
        self._maybe_fail("checkout session create")
        session_id = new_id("cs_test", 58)
        now = int(time.time())
        session = {"id": session_id, "object": "checkout.session", "mode": "payment", "livemode": False,
                   "url": self._page(self.config.checkout_path.format(session_id=session_id)),
                   "status": "open", "payment_status": "unpaid", "payment_intent": None,
                   "amount_subtotal": amount_total(params), "amount_total": amount_total(params),
                   "currency": params["line_items"][0]["price_data"]["currency"],
                   "client_reference_id": params["client_reference_id"], "metadata": params["metadata"],
                   "customer_email": params.get("customer_email"), "customer_details": None,
                   "success_url": success_url, "cancel_url": cancel_url, "created": now,
                   "expires_at": now + SESSION_LIFETIME, "line_items": params["line_items"]}
        self.store.put(session)
        log.info("fake stripe checkout session %s for %s %s (reference %s): pay it at %s", session_id,
                 session["amount_total"], session["currency"], reference, session["url"])
        return {"id": session_id, "url": session["url"]}

    def _session(self, session_id):
        session = self.store.get(session_id) if str(session_id).startswith("cs_test_") else None
        if session is None:
            raise missing("checkout.session", session_id)
        if session["status"] == "open" and session["expires_at"] < time.time():
            session["status"] = "expired"
        return session

    def retrieve_checkout_session(self, session_id):
        self._maybe_fail("checkout session retrieve")
        return session_summary(self._session(session_id))

    def checkout_page_details(self, session_id):
        """Everything the fake checkout page shows: the summary plus ``line_items`` and ``cancel_url``."""
        session = self._session(session_id)
        return {**session_summary(session), "line_items": session["line_items"], "cancel_url": session["cancel_url"],
                "customer_email": session["customer_email"]}

    def complete(self, session_id):
        """Pay the session: ``(raw_body, signature_header)`` of its ``checkout.session.completed`` event.
        Completing a paid session again answers the same event (same ``evt_`` id), freshly signed, as a
        Stripe redelivery would. An expired or unknown session raises :class:`PaymentProviderError`."""
        with self.store.locked():
            session = self._session(session_id)
            if session["status"] == "expired":
                raise PaymentProviderError("The payment provider refused the request.", retriable=False,
                                           code="checkout_session_expired", status=400,
                                           detail=f"Checkout session {session_id} has expired")
            event = self.store.get(session.get("event")) if session["status"] == "complete" else None
            if event is None:
                event = self._pay(session)
        raw_body = json.dumps(event).encode()
        log.info("fake stripe: %s paid; event %s", session_id, event["id"])
        return raw_body, sign_payload(self.config.webhook_secret, raw_body)

    def _pay(self, session):
        now = int(time.time())
        intent = {"id": new_id("pi"), "object": "payment_intent", "amount": session["amount_total"],
                  "amount_received": session["amount_total"], "amount_refunded": 0, "currency": session["currency"],
                  "metadata": session["metadata"], "status": "succeeded", "created": now}
        session.update(status="complete", payment_status="paid", payment_intent=intent["id"],
                       customer_details={"email": session["customer_email"]})
        public = {k: v for k, v in session.items() if k not in ("line_items", "event")}
        event = {"id": new_id("evt"), "object": "event", "api_version": stripe.api_version, "created": now, "livemode": False,
                 "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                 "type": "checkout.session.completed", "data": {"object": public}}
        session["event"] = event["id"]
        self.store.put(intent)
        self.store.put(event)
        self.store.put(session)
        return event

    def success_redirect(self, session_id):
        """The session's ``success_url`` with ``{CHECKOUT_SESSION_ID}`` filled in, as Stripe redirects."""
        return self._session(session_id)["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    # --- Connect Express

    def create_express_account(self, *, email, metadata=None, country="US"):
        self._maybe_fail("account create")
        account = {"id": new_id("acct", 16), "object": "account", "type": "express", "country": country,
                   "email": email, "metadata": clean_metadata(metadata), "charges_enabled": False,
                   "payouts_enabled": False, "details_submitted": False,
                   "requirements": {"currently_due": list(REQUIREMENTS)}, "created": int(time.time())}
        self.store.put(account)
        return account["id"]

    def _account(self, account_id):
        account = self.store.get(account_id) if str(account_id).startswith("acct_") else None
        if account is None:
            raise missing("account", account_id)
        return account

    def create_account_link(self, *, account_id, refresh_url, return_url):
        self._maybe_fail("account link create")
        self._account(account_id)
        link = {"id": new_id("link", 32), "account": account_id, "refresh_url": refresh_url,
                "return_url": return_url, "expires_at": int(time.time()) + LINK_LIFETIME, "used": False}
        self.store.put(link)
        return self._page(self.config.onboarding_path.format(link_id=link["id"]))

    def finish_onboarding(self, link_id):
        """The fake onboarding form was submitted: enable the account; the URL to redirect to."""
        with self.store.locked():
            link = self.store.get(link_id) if str(link_id).startswith("link_") else None
            if link is None:
                raise missing("account link", link_id)
            if link["used"] or link["expires_at"] < time.time():
                return link["refresh_url"]
            account = self._account(link["account"])
            account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True,
                           requirements={"currently_due": []})
            link["used"] = True
            self.store.put(account)
            self.store.put(link)
        log.info("fake stripe: account %s onboarded", account["id"])
        return link["return_url"]

    def retrieve_account(self, account_id):
        self._maybe_fail("account retrieve")
        return account_summary(self._account(account_id))

    # --- Refunds

    def refund(self, *, payment_intent, amount=None, metadata=None):
        self._maybe_fail("refund")
        with self.store.locked():
            intent = self.store.get(payment_intent) if str(payment_intent).startswith("pi_") else None
            if intent is None:
                raise missing("payment_intent", payment_intent)
            left = intent["amount_received"] - intent["amount_refunded"]
            amount = left if amount is None else int(amount)
            if left <= 0:
                raise PaymentProviderError("The payment provider refused the request.", retriable=False,
                                           code="charge_already_refunded", status=400,
                                           detail=f"Charge for {payment_intent} has already been refunded.")
            if amount <= 0 or amount > left:
                raise PaymentProviderError("The payment provider refused the request.", retriable=False,
                                           code="amount_too_large", status=400,
                                           detail=f"Refund amount ({amount}) is greater than unrefunded amount ({left})")
            refund = {"id": new_id("re"), "object": "refund", "amount": amount, "currency": intent["currency"],
                      "payment_intent": payment_intent, "metadata": clean_metadata(metadata), "status": "succeeded",
                      "created": int(time.time())}
            intent["amount_refunded"] += amount
            self.store.put(refund)
            self.store.put(intent)
        log.info("fake stripe refund %s of %s for %s", refund["id"], amount, payment_intent)
        return {"id": refund["id"], "status": refund["status"]}


def checkout_page(details, *, pay_action):
    """A plain HTML page for the fake checkout: the lines, the total, a "Pay" form posting to
    ``pay_action`` and a cancel link. ``details``: :meth:`FakeStripe.checkout_page_details`."""
    currency = (details["currency"] or "").upper()

    def money(cents):
        return f"{cents / 100:,.2f} {currency}"

    rows = "".join(
        f"<tr><td>{html.escape(line['price_data']['product_data']['name'])}</td><td>{line['quantity']}</td>"
        f"<td>{money(line['price_data']['unit_amount'] * line['quantity'])}</td></tr>" for line in details["line_items"])
    if details["payment_status"] == "paid":
        action = "<p>This session is paid.</p>"
    elif details["status"] == "expired":
        action = "<p>This session has expired.</p>"
    else:
        action = (f'<form method="post" action="{html.escape(pay_action)}"><button type="submit">'
                  f"Pay {money(details['amount_total'])}</button></form>")
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Test checkout</title></head><body>"
            "<h1>Test checkout (no real payment)</h1>"
            f"<table><tr><th>Item</th><th>Qty</th><th>Amount</th></tr>{rows}</table>"
            f"<p>Total: {money(details['amount_total'])}</p>{action}"
            f'<p><a href="{html.escape(details["cancel_url"])}">Cancel</a></p></body></html>')
