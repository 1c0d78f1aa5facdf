"""Standalone Razorpay flows: a new Razorpay order, signature verification, and the webhook."""
import flask

from models.ionora import database, payments
from models.ionora.checkout import CURRENCY
from server.products.ionora import PRODUCT


def create_payment_order(body, user):
    gateway = PRODUCT.runtime.payments
    with database.unit_of_work() as uow:
        provider_order = payments.create_payment_order(uow.session, user_id=user, order_id=body["order_id"],
                                                       amount=body["amount"], payments=gateway)
        uow.commit()
    return {"razorpay_order_id": provider_order["id"], "amount": int(provider_order["amount"]),
            "currency": provider_order.get("currency", CURRENCY), "key_id": gateway.key_id}, 200


def verify_payment(body, user):
    gateway = PRODUCT.runtime.payments
    with database.unit_of_work() as uow:
        result = payments.verify_payment(uow.session, user_id=user, razorpay_order_id=body["razorpay_order_id"],
                                         razorpay_payment_id=body["razorpay_payment_id"],
                                         razorpay_signature=body["razorpay_signature"], payments=gateway)
        uow.commit()
    if result.late:  # captured after the order was cancelled: refunded with no lock held
        result = payments.refund_late_capture(database, gateway, result.late)
    return {"message": result.message}, 200


def receive_webhook(body):
    request = flask.request
    with database.unit_of_work() as uow:
        result = payments.handle_webhook(uow.session, payload=body, raw_body=request.get_data(cache=True),
                                         signature=request.headers.get("X-Razorpay-Signature"),
                                         event_id=request.headers.get("X-Razorpay-Event-Id"),
                                         payments=PRODUCT.runtime.payments)
        uow.commit()
    if result.late:  # captured after the order was cancelled: refunded with no lock held
        result = payments.refund_late_capture(database, PRODUCT.runtime.payments, result.late)
    return {"message": result.message}, 200
