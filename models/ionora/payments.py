"""The standalone payment routes: a fresh Razorpay order for an order, signature verification, and
Razorpay's webhook (each event processed at most once, every accepted delivery logged).

A payment captured for an order that was cancelled meanwhile (a *late capture*) is refunded: the check
runs under the order's row lock and reports a :class:`LateCapture`; the caller ends that transaction,
asks Razorpay for the refund (no lock held while the provider answers) and records it in a second
transaction (:func:`refund_late_capture`), which locks the order again and records the refund once."""
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.errors import Forbidden, InvalidInput, NotFound, RuleViolation, UpstreamFailure
from models.ionora import orders
from models.ionora.checkout import CURRENCY, NOT_PAYABLE, create_provider_order
from models.ionora.entities import Order, WebhookEvent
from models.ionora.money import round2
from models.ionora.users import as_uuid

INVALID_SIGNATURE = "Invalid payment signature."
REFUNDED = "Order was cancelled; the payment has been refunded."
REFUND_UNAVAILABLE = "The order was cancelled and the payment could not be refunded yet. Please try again shortly."


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


@dataclass(frozen=True)
class LateCapture:
    """A payment captured for a cancelled order: to be refunded, then recorded."""
    order_id: object
    payment_id: str
    amount: int                  # paise
    source: str                  # verify | webhook
    event_id: str | None = None  # the webhook event that reported it


@dataclass(frozen=True)
class WebhookResult:
    message: str
    outcome: str
    late: LateCapture | None = None  # set when the caller must refund (then call refund_late_capture)


PaymentResult = WebhookResult


def verify_payment(session, *, user_id, razorpay_order_id, razorpay_payment_id, razorpay_signature, payments):
    """The payment is recorded once; a repeat says so. A payment for a cancelled order comes back as
    ``late`` (to be refunded)."""
    if not payments.verify_payment(order_id=razorpay_order_id, payment_id=razorpay_payment_id,
                                   signature=razorpay_signature):
        raise RuleViolation(INVALID_SIGNATURE, field="razorpay_signature")
    order = _by_razorpay_order(session, razorpay_order_id)
    if order is None:
        raise NotFound(orders.NOT_FOUND)
    if order.user_id != as_uuid(user_id):
        raise Forbidden("You are not authorized to verify this order.")
    if order.status == "cancelled":
        if orders.already_settled(order, razorpay_payment_id):
            return PaymentResult("Payment already verified.", "already_paid")
        return PaymentResult(REFUNDED, "refund_due", _late(order, razorpay_payment_id, None, "verify"))
    if not orders.mark_paid(session, order, payment_id=razorpay_payment_id, source="verify"):
        return PaymentResult("Payment already verified.", "already_paid")
    return PaymentResult("Payment verified successfully.", "captured")


def refund_late_capture(database, payments, late):
    """Refund a late capture through the provider (outside any transaction), then record it on the
    order under its row lock: ``payment_status`` ``refunded``, ``payment_id``, ``refund_id`` and a
    tracking entry (and the webhook event's outcome). A provider failure is 502 and nothing is
    recorded as settled: the customer may verify again, and Razorpay redelivers the webhook, which
    retries the refund."""
    from integrations.razorpay import PaymentGatewayError

    try:
        refund = payments.refund(payment_id=late.payment_id, amount=late.amount,
                                 notes={"order_id": str(late.order_id), "reason": "order cancelled"})
    except PaymentGatewayError:
        raise UpstreamFailure(REFUND_UNAVAILABLE) from None
    with database.unit_of_work() as uow:
        order = orders.get_order(uow.session, order_id=late.order_id, lock=True)
        orders.record_refund(uow.session, order, payment_id=late.payment_id, refund_id=refund["id"],
                             source=late.source)
        if late.event_id is not None:
            event = uow.session.scalars(select(WebhookEvent).where(WebhookEvent.event_id == late.event_id)
                                        .with_for_update()).first()
            if event is not None:
                event.outcome = "refunded"
        uow.session.flush()
        uow.commit()
    return PaymentResult(REFUNDED if late.source == "verify" else "Payment refunded: the order was cancelled.",
                         "refunded")


def _late(order, payment_id, amount, source, event_id=None):
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        amount = int(round2(order.total_amount) * 100)
    return LateCapture(order_id=order.id, payment_id=payment_id, amount=amount, source=source, event_id=event_id)


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
        return _redelivered(session, record.event_id, entity)
    result = _apply(session, event, rzp_order_id, payment_id, entity.get("amount"), record.event_id)
    record.outcome = result.outcome
    session.flush()
    return result


def _redelivered(session, event_id, entity):
    """A repeat is answered as processed, except an event whose refund is still due: that is retried."""
    seen = session.scalars(select(WebhookEvent).where(WebhookEvent.event_id == event_id)).first()
    if seen is None or seen.outcome != "refund_due":
        return WebhookResult("Webhook already processed.", "duplicate")
    result = _apply(session, seen.event, seen.razorpay_order_id, seen.payment_id, entity.get("amount"), event_id)
    if result.late is None:
        seen.outcome = result.outcome
        session.flush()
    return result


def _apply(session, event, rzp_order_id, payment_id, amount, event_id):
    if event != "payment.captured":
        return WebhookResult("Webhook received.", "ignored")
    order = _by_razorpay_order(session, rzp_order_id)
    if order is None:
        return WebhookResult("Webhook processed.", "order_not_found")
    if order.status == "cancelled":
        if orders.already_settled(order, payment_id):
            return WebhookResult("Webhook already processed.", "already_paid")
        return WebhookResult("Payment refunded: the order was cancelled.", "refund_due",
                             _late(order, payment_id, amount, "webhook", event_id))
    if not orders.mark_paid(session, order, payment_id=payment_id, source="webhook"):
        return WebhookResult("Webhook already processed.", "already_paid")
    return WebhookResult("Payment captured.", "captured")


def _by_razorpay_order(session, razorpay_order_id):
    stmt = select(Order).where(Order.razorpay_order_id == razorpay_order_id).with_for_update()
    return session.scalars(stmt).first()


def _text(value):
    return value[:64] if isinstance(value, str) else None


__all__ = ["CURRENCY", "create_payment_order", "verify_payment", "handle_webhook", "refund_late_capture"]
