"""Stripe's webhook (``POST /webhook``, also at ``/stripe/webhook`` where the original had it). The
signature is checked over the raw request bytes before anything is read; a bad one is 400 and changes
nothing. Each event is processed once and logged with its outcome (``models.diora.payments``)."""
import logging

import flask

from handlers.diora.payment_flow import refund_after_commit
from handlers.diora.publishing import dump_notifications, publish_notifications
from integrations.stripe_payments import WebhookSignatureInvalid
from models.diora import database, payments
from models.errors import InvalidInput
from server.products.diora import PRODUCT

log = logging.getLogger("diora.payments")


def deliver(raw_body, signature):
    """Verify and process one delivery; returns the outcome."""
    try:
        event = PRODUCT.runtime.stripe.construct_event(raw_body, signature)
    except WebhookSignatureInvalid as exc:
        log.warning("stripe webhook refused: %s", exc)
        raise InvalidInput(f"Webhook Error: {exc}", field="Stripe-Signature") from None
    with database.unit_of_work() as uow:
        outcome, notes, refund = payments.handle_event(uow.session, event)
        events = dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    refund_after_commit(refund)
    return outcome


def receive(body=None):
    request = flask.request
    outcome = deliver(request.get_data(cache=True), request.headers.get("Stripe-Signature"))
    return {"status": True, "received": True, "outcome": outcome}, 200
