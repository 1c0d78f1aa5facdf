"""The standalone payment routes: a fresh Razorpay order for an order, signature verification, and
Razorpay's webhook (each event processed at most once, every accepted delivery logged)."""
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from models.ionora import orders
from models.ionora.checkout import CURRENCY, NOT_PAYABLE, create_provider_order
from models.ionora.entities import Order, WebhookEvent
from models.ionora.money import round2
from models.ionora.users import as_uuid

INVALID_SIGNATURE = "Invalid payment signature."


def create_payment_order(session, *, user_id, order_id, amount, payments):
    """A new Razorpay order for the order's total (``amount`` must match it), replacing the old one."""
    order = orders.get_order(session, order_id=order_id, lock=True)
    if order.user_id != as_uuid(user_id):
        raise Forbidden("You are not authorized to pay for this order.")
    if order.payment_status == "paid":
        raise RuleViolation("Order has already been paid.")
    if order.status != "pending" or order.payment_status in ("failed", "refunded") or not order.inventory_locked:
        raise RuleViolation(NOT_PAYABLE)
    if round2(Decimal(str(amount))) != order.total_amount:
        raise RuleViolation(f"Amount does not match the order total ({order.total_amount:.2f}).", field="amount")
    provider_order = create_provider_order(payments, order, int(round2(order.total_amount) * 100))
    order.razorpay_order_id = provider_order["id"]
    session.flush()
    return provider_order


def verify_payment(session, *, user_id, razorpay_order_id, razorpay_payment_id, razorpay_signature, payments):
    """Returns the message: the payment is recorded once; a repeat says so."""
    if not payments.verify_payment(order_id=razorpay_order_id, payment_id=razorpay_payment_id,
                                   signature=razorpay_signature):
        raise RuleViolation(INVALID_SIGNATURE, field="razorpay_signature")
    order = _by_razorpay_order(session, razorpay_order_id)
    if order is None:
        raise NotFound(orders.NOT_FOUND)
    if order.user_id != as_uuid(user_id):
        raise Forbidden("You are not authorized to verify this order.")
    if not orders.mark_paid(session, order, payment_id=razorpay_payment_id, source="verify"):
        return "Payment already verified."
    return "Payment verified successfully."


@dataclass(frozen=True)
class WebhookResult:
    message: str
    outcome: str


def handle_webhook(session, *, payload, raw_body, signature, event_id, payments):
    """Razorpay's webhook. The signature is checked over the raw body; the event id is
    ``X-Razorpay-Event-Id`` (else the body's SHA-256), recorded in a unique table so that every
    delivery of one event is processed at most once; ``payment.captured`` marks the order paid."""
    if not signature or not payments.verify_webhook(body=raw_body, signature=signature):
        raise InvalidInput("Invalid webhook signature.", field="x-razorpay-signature")
    event = payload.get("event")
    entity = (((payload.get("payload") or {}).get("payment") or {}).get("entity") or {})
    if not isinstance(event, str) or not event or not isinstance(entity, dict):
        raise InvalidInput("Invalid webhook payload.")
    rzp_order_id, payment_id = entity.get("order_id"), entity.get("id")
    if event == "payment.captured" and not (isinstance(rzp_order_id, str) and rzp_order_id
                                            and isinstance(payment_id, str) and payment_id):
        raise InvalidInput("Invalid webhook payload.")
    record = WebhookEvent(event_id=event_id or hashlib.sha256(raw_body).hexdigest(), event=event[:64],
                          razorpay_order_id=_text(rzp_order_id), payment_id=_text(payment_id), payload=payload)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        return WebhookResult("Webhook already processed.", "duplicate")
    result = _apply(session, event, rzp_order_id, payment_id)
    record.outcome = result.outcome
    session.flush()
    return result


def _apply(session, event, rzp_order_id, payment_id):
    if event != "payment.captured":
        return WebhookResult("Webhook received.", "ignored")
    order = _by_razorpay_order(session, rzp_order_id)
    if order is None:
        return WebhookResult("Webhook processed.", "order_not_found")
    if not orders.mark_paid(session, order, payment_id=payment_id, source="webhook"):
        return WebhookResult("Webhook already processed.", "already_paid")
    return WebhookResult("Payment captured.", "captured")


def _by_razorpay_order(session, razorpay_order_id):
    stmt = select(Order).where(Order.razorpay_order_id == razorpay_order_id).with_for_update()
    return session.scalars(stmt).first()


def _text(value):
    return value[:64] if isinstance(value, str) else None


__all__ = ["CURRENCY", "create_payment_order", "verify_payment", "handle_webhook"]
