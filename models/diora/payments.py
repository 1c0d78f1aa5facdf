"""Card payments through Stripe Checkout: the session for an order, Stripe's webhook, refunds and the
card orders never paid.

Stripe is called outside any transaction (``gateway``: ``PRODUCT.runtime.stripe``). Webhook events are
processed once per event id (the ``stripe_events`` row is the key; concurrent deliveries of one event
wait on its insert and then find it) under the order's row lock, and each is logged with its outcome.
``checkout.session.completed`` marks the order paid and, while it is still ``processing``, confirmed;
a payment that arrives for an order cancelled meanwhile is marked for refund, and a second payment of
an order already paid (through another of its sessions) is refunded.
``checkout.session.expired`` cancels a card order that was never paid and gives its stock back.
"""
import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.base import utcnow
from models.diora import notifications, orders
from models.diora.tables.orders import Order, StripeEvent
from models.errors import Conflict, Forbidden
from models.ids import is_object_id

log = logging.getLogger("diora.payments")
CURRENCY = "usd"
UNPAID_AFTER = dt.timedelta(hours=24)  # a Checkout Session lives 24 hours


def cents(amount):
    return int((amount * 100).to_integral_value())


def checkout_request(session, *, order_id, user_id):
    """What a Checkout Session for the buyer's unpaid card order needs (409 otherwise)."""
    order = orders.get_order(session, order_id=order_id, viewer_id=user_id, viewer_type="user")
    if order.user_id != user_id:
        raise Forbidden("Not your order", code="AUTH_002")
    if order.payment_method != "card":
        raise Conflict("Only card orders are paid through Stripe", field="orderId")
    if order.status == "cancelled":
        raise Conflict("The order is cancelled", field="orderId")
    if order.payment_status == "paid":
        raise Conflict("The order is already paid", field="orderId")
    lines = [{"name": item.name, "unit_amount": cents(item.price), "quantity": item.quantity,
              "images": [item.image] if item.image else []} for item in order.items]
    if order.shipping_fee:
        lines.append({"name": "Shipping", "unit_amount": cents(order.shipping_fee), "quantity": 1})
    return {"order_id": order.id, "order_number": order.order_number, "lines": lines,
            "email": (order.shipping_address or {}).get("email")}


def record_session(session, *, order_id, session_id):
    order = session.get(Order, order_id, with_for_update=True)
    order.stripe_session_id = session_id


def handle_event(session, event):
    """Process a verified event once. Returns ``(outcome, notifications, refund)``."""
    if session.get(StripeEvent, event["id"]) is not None:
        return "duplicate", [], None
    try:
        with session.begin_nested():
            row = StripeEvent(id=event["id"], type=event["type"], outcome="received")
            session.add(row)
    except IntegrityError:  # a concurrent delivery of the same event recorded it first
        return "duplicate", [], None
    obj = event["data"]["object"]
    order_id = (obj.get("metadata") or {}).get("orderId") or obj.get("client_reference_id")
    row.order_id = order_id if is_object_id(order_id) else None
    sent, refund = [], None
    if event["type"] == "checkout.session.completed":
        outcome, sent, refund = _paid(session, row.order_id, obj)
    elif event["type"] == "checkout.session.expired":
        outcome, sent = _expired(session, row.order_id)
    else:
        outcome = "ignored"
    row.outcome = outcome
    log.info("stripe event %s (%s) for order %s: %s", event["id"], event["type"], row.order_id, outcome)
    return outcome, sent, refund


def _locked_order(session, order_id):
    if order_id is None:
        return None
    order = session.scalars(select(Order).where(Order.id == order_id).with_for_update()).first()
    if order is not None:
        orders.with_items(session, [order])
    return order


def _paid(session, order_id, checkout):
    order = _locked_order(session, order_id)
    if order is None:
        return "order not found", [], None
    if checkout.get("payment_status") not in (None, "paid", "no_payment_required"):
        return "not paid", [], None
    if order.payment_status in ("paid", "refunded"):
        intent = checkout.get("payment_intent")
        if intent and order.payment_intent_id and intent != order.payment_intent_id:
            return "paid twice: refund", [], (order.id, intent)  # a second session paid the same order
        return "already paid", [], None
    order.payment_status, order.paid_at = "paid", utcnow()
    order.payment_intent_id = checkout.get("payment_intent") or order.payment_intent_id
    order.stripe_session_id = order.stripe_session_id or checkout.get("id")
    if order.status == "cancelled":
        return "paid after cancellation: refund", [], orders.mark_for_refund(order)
    if order.status == "processing":
        order.status = "confirmed"
    sent = [notifications.notify(
        session, recipient_id=recipient, type="order", title="Payment Received",
        message=f"Order {order.order_number} is paid.", order_id=order.id, action_url=f"/order/{order.id}",
        data={"orderId": order.id, "paymentStatus": "paid"}) for recipient in [order.user_id, *orders.shop_ids(order)]]
    return "paid", sent, None


def _expired(session, order_id):
    order = _locked_order(session, order_id)
    if order is None:
        return "order not found", []
    if not _abandon(order, session):
        return "nothing to do", []
    return "cancelled: never paid", []


def _abandon(order, session):
    if order.payment_status != "pending" or order.status != "processing" or order.payment_method != "card":
        return False
    order.status, order.payment_status, order.cancelled_at = "cancelled", "failed", utcnow()
    order.cancel_reason = "Payment not completed"
    orders.release_stock(session, order)
    return True


def cancel_unpaid(database, now):
    """The periodic job: card orders still unpaid a day after they were placed are cancelled and their
    stock given back; rows another process holds are skipped (``SKIP LOCKED``) and taken next time."""
    cutoff = now - UNPAID_AFTER
    cancelled = 0
    with database.unit_of_work() as uow:
        stale = uow.session.scalars(
            select(Order).where(Order.payment_method == "card", Order.payment_status == "pending",
                                Order.status == "processing", Order.created_at < cutoff)
            .order_by(Order.created_at).limit(200).with_for_update(skip_locked=True)).all()
        orders.with_items(uow.session, stale)
        for order in stale:
            cancelled += _abandon(order, uow.session)
        uow.commit()
    return {"cancelled": cancelled}


def order_by_reference(session, *, order_id=None, session_id=None):
    """The order a success or cancel page names (by ``orderId`` or Stripe's ``session_id``)."""
    order = None
    if session_id:
        order = session.scalars(select(Order).where(Order.stripe_session_id == session_id)).first()
    elif is_object_id(order_id):
        order = session.get(Order, order_id)
    if order is None:
        raise orders.not_found()
    orders.with_items(session, [order])
    return order
