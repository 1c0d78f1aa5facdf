"""Checkout: validate the cart, place the order, confirm Razorpay's payment."""
from handlers.ionora.schemas import checkout_items_out, checkout_summary_out, coupon_out, paid_order_out
from models.ionora import checkout, coupons, database
from server.products.ionora import PRODUCT, send_mail


def validate_cart(user):
    with database.reading() as session:
        result = checkout.validate(session, user_id=user)
        return {"valid": result.valid, "items": checkout_items_out.dump(result.lines),
                "summary": checkout_summary_out(result.summary), "issues": result.issues}, 200


def apply_coupon(body, user):
    with database.unit_of_work() as uow:
        applied = coupons.apply_to_cart(uow.session, user_id=user, code=body["code"])
        return {"coupon": coupon_out.dump(applied.coupon), "summary": checkout_summary_out(applied.summary)}, 200


def create_order(body, user):
    payments = PRODUCT.runtime.payments
    with database.unit_of_work() as uow:
        placed = checkout.place_order(uow.session, user_id=user, shipping_address_id=body["shipping_address_id"],
                                      payment_method=body.get("payment_method", "razorpay"), payments=payments,
                                      coupon_code=body.get("coupon_code") or None)
        uow.commit()
        coupon = coupon_out.dump(placed.coupon) if placed.coupon else None
    order = placed.order
    return {"order": {"id": str(order.id), "order_number": order.order_number,
                      "totals": checkout_summary_out(placed.summary), "coupon": coupon},
            "razorpay_order_id": placed.provider_order["id"], "amount": placed.summary.paise,
            "currency": checkout.CURRENCY, "key_id": payments.key_id}, 201


def confirm_payment(body, user):
    with database.unit_of_work() as uow:
        outcome = checkout.confirm_payment(uow.session, user_id=user, order_id=body["order_id"],
                                           razorpay_order_id=body["razorpay_order_id"],
                                           razorpay_payment_id=body["razorpay_payment_id"],
                                           razorpay_signature=body["razorpay_signature"],
                                           payments=PRODUCT.runtime.payments)
        uow.commit()
        outcome.raise_if_failed()
        order = paid_order_out.dump(outcome.order)
    if outcome.notify:
        send_mail(to=outcome.notify, subject=f"Order Confirmation - {order['order_number']}",
                  text=f"Thank you for your order {order['order_number']}.\n"
                       f"We have received your payment of INR {order['total_amount']}.\n")
    return {"message": outcome.message, "order": order}, 200
