"""Paying an order by card (``/order/create-stripe-session``, ``/order/success``, ``/order/cancel``) and
the refunds that follow a cancelled paid order. Stripe is called with no transaction open."""
import html
import logging

import flask

from handlers.diora.schemas import ok
from handlers.diora.schemas.orders import order_out
from integrations.stripe_payments import PaymentProviderError
from models.diora import database, orders, payments
from server.products.diora import PRODUCT, public_url

log = logging.getLogger("diora.payments")


def create_stripe_session(body, user):
    with database.reading() as session:
        wanted = payments.checkout_request(session, order_id=body["orderId"], user_id=user)
    order_id = wanted["order_id"]
    created = PRODUCT.runtime.stripe.create_checkout_session(
        reference=order_id, line_items=wanted["lines"], currency=payments.CURRENCY,
        success_url=public_url(f"/api/order/success?orderId={order_id}&session_id={{CHECKOUT_SESSION_ID}}"),
        cancel_url=public_url(f"/api/order/cancel?orderId={order_id}"),
        metadata={"orderId": order_id, "orderNumber": wanted["order_number"]}, customer_email=wanted["email"])
    with database.unit_of_work() as uow:
        payments.record_session(uow.session, order_id=order_id, session_id=created["id"])
        uow.commit()
    return ok(sessionUrl=created["url"], url=created["url"], sessionId=created["id"]), 200


def _wants_html():
    """A browser (``Accept`` preferring ``text/html``) gets the page; everyone else JSON."""
    accept = flask.request.accept_mimetypes
    return accept.quality("text/html") > accept.quality("application/json")


def order_success(orderId=None, session_id=None):
    with database.reading() as session:
        order = payments.order_by_reference(session, order_id=orderId, session_id=session_id)
        shown = order_out(order)
    summary = {"_id": shown["_id"], "orderNumber": shown["orderNumber"], "paymentStatus": shown["paymentStatus"],
               "orderStatus": shown["status"], "total": shown["total"]}
    paid = shown["paymentStatus"] == "paid"
    message = "Payment successful" if paid else "Payment is being confirmed"
    if _wants_html():
        rows = "".join(f"<li>{html.escape(i['name'])} × {i['quantity']}</li>" for i in shown["items"])
        page = (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{message}</title></head><body>"
                f"<h1>{message}</h1><p>Order {html.escape(shown['orderNumber'])}</p>"
                f"<p>Total: ${shown['total']:.2f}</p><ul>{rows}</ul></body></html>")
        return page, 200, {"Content-Type": "text/html"}
    return ok(message, order=summary), 200, {"Content-Type": "application/json"}


def order_cancel(orderId=None):
    number = None
    if orderId is not None:
        with database.reading() as session:
            number = payments.order_by_reference(session, order_id=orderId).order_number
    return ok("Payment cancelled", redirectUrl="/cart", orderId=orderId, orderNumber=number), 200


def refund_after_commit(refund):
    """Refund ``(order id, payment intent)`` through Stripe and record the outcome (an order's own
    payment; a duplicate payment is refunded and leaves the order as it is); the order as it is
    then (None when there was nothing to refund). A Stripe failure leaves the refund ``pending``
    (retriable) or ``failed``, logged; the cancellation itself stands."""
    if refund is None:
        return None
    order_id, intent = refund
    failed, refund_id = False, None
    try:
        refund_id = PRODUCT.runtime.stripe.refund(payment_intent=intent, metadata={"orderId": order_id})["id"]
    except PaymentProviderError as exc:
        log.warning("refund of order %s (%s) failed: %s", order_id, intent, exc.detail)
        if exc.retriable:
            return None  # stays pending
        failed = True
    with database.unit_of_work() as uow:
        order = orders.record_refund(uow.session, order_id=order_id, payment_intent=intent, refund_id=refund_id,
                                     failed=failed)
        orders.with_items(uow.session, [order])
        shown = order_out(order)
        uow.commit()
    return shown
