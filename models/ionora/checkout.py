"""Checkout: validate the cart, place the order (stock, order, provider order, empty cart: one
transaction), and confirm the payment from Razorpay Checkout."""
from dataclasses import dataclass

from models.errors import RuleViolation, UpstreamFailure
from models.ionora import addresses, cart, coupons, inventory, orders
from models.ionora.entities import Order, OrderItem, User
from models.ionora.money import line_total, summarize

CART_EMPTY = "Cart is empty."
PAYMENT_UNAVAILABLE = "Unable to initiate payment. Please try again shortly."
CURRENCY = "INR"
NOT_PAYABLE = "This order can no longer be paid."


@dataclass(frozen=True)
class Validation:
    lines: list
    summary: object
    issues: list

    @property
    def valid(self):
        return not self.issues


def validate(session, *, user_id):
    lines = cart.lines(session, user_id=user_id)
    if not lines:
        raise RuleViolation(CART_EMPTY)
    issues = []
    for line in lines:
        product = line.product
        if not product.is_active:
            issues.append({"product_id": str(product.id), "issue": "inactive",
                           "message": "Product is no longer available."})
        elif product.stock_quantity < line.quantity:
            issues.append({"product_id": str(product.id), "issue": "stock",
                           "message": f"Only {product.stock_quantity} units available in stock."})
    return Validation(lines=lines, summary=cart.summary_of(lines), issues=issues)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    summary: object
    provider_order: dict
    coupon: object = None


def place_order(session, *, user_id, shipping_address_id, payments, payment_method="razorpay", coupon_code=None):
    """Everything or nothing: stock is taken with conditional decrements, the order and its lines are
    written at the prices of that moment, a coupon's use is counted, Razorpay's order is created, and
    the cart is emptied. A provider failure raises UpstreamFailure and the caller's rollback undoes the
    rest."""
    lines = cart.lines(session, user_id=user_id, lock=True)
    if not lines:
        raise RuleViolation(CART_EMPTY)
    address = addresses.get_own_address(session, user_id=user_id, address_id=shipping_address_id)
    shortages = [{"product_id": str(line.product_id),
                  "available": line.product.stock_quantity if line.product.is_active else 0,
                  "requested": line.quantity}
                 for line in lines if not line.product.is_active or line.product.stock_quantity < line.quantity]
    if shortages:
        raise inventory.insufficient(shortages)
    wanted = {line.product_id: line.quantity for line in lines}
    prices = inventory.take(session, wanted)
    priced = [(prices[pid], qty) for pid, qty in wanted.items()]
    coupon = coupons.take_use(session, coupon_code, summarize(priced).subtotal) if coupon_code else None
    summary = summarize(priced, coupon)
    order = Order(user_id=address.user_id, order_number=orders.next_order_number(session), status="pending",
                  payment_status="pending", shipping_address_id=address.id, shipping_method="standard",
                  subtotal=summary.subtotal, tax_amount=summary.tax, shipping_charge=summary.shipping,
                  discount_amount=summary.discount, total_amount=summary.total, payment_method=payment_method,
                  coupon_code=coupon.code if coupon else None, inventory_locked=True)
    session.add(order)
    session.flush()
    for line in lines:
        session.add(OrderItem(order_id=order.id, product_id=line.product_id, quantity=line.quantity,
                              price_at_purchase=prices[line.product_id],
                              subtotal=line_total(prices[line.product_id], line.quantity)))
    orders.track(session, order, "pending", "Order placed")
    provider_order = create_provider_order(payments, order, summary.paise)
    order.razorpay_order_id = provider_order["id"]
    cart.clear(session, user_id=user_id)
    session.flush()
    return PlacedOrder(order=order, summary=summary, provider_order=provider_order, coupon=coupon)


def create_provider_order(payments, order, amount):
    from integrations.razorpay import PaymentGatewayError

    try:
        return payments.create_order(amount=amount, currency=CURRENCY, receipt=order.order_number,
                                     notes={"order_id": str(order.id)})
    except PaymentGatewayError:
        raise UpstreamFailure(PAYMENT_UNAVAILABLE) from None


@dataclass(frozen=True)
class PaymentOutcome:
    order: Order
    status: str  # paid | already | failed
    notify: str | None = None  # the customer's email when a confirmation should be sent

    @property
    def message(self):
        return {"paid": "Payment processed successfully.", "already": "Order already processed.",
                "failed": "Invalid payment signature."}[self.status]

    def raise_if_failed(self):
        if self.status == "failed":
            raise RuleViolation(self.message, field="razorpay_signature")


def confirm_payment(session, *, user_id, order_id, razorpay_order_id, razorpay_payment_id, razorpay_signature,
                    payments):
    """Check Checkout's signature. Invalid: the payment is marked failed and the stock released (the
    caller commits that, then reports 400). Valid: the order is confirmed and paid. Repeats are harmless."""
    order = orders.get_own_order(session, user_id=user_id, order_id=order_id, lock=True)
    if order.razorpay_order_id != razorpay_order_id:
        raise RuleViolation("Razorpay order mismatch.", field="razorpay_order_id")
    if order.payment_status == "paid" or order.status not in ("pending", "cancelled"):
        return PaymentOutcome(orders.load_details(session, order), "already")
    if order.status == "cancelled" or order.payment_status in ("failed", "refunded"):
        raise RuleViolation(NOT_PAYABLE)
    if not payments.verify_payment(order_id=razorpay_order_id, payment_id=razorpay_payment_id,
                                   signature=razorpay_signature):
        order.payment_status = "failed"
        inventory.release(session, order)
        orders.track(session, order, "pending", "Payment failed: invalid signature")
        session.flush()
        return PaymentOutcome(order, "failed")
    orders.mark_paid(session, order, payment_id=razorpay_payment_id, source="checkout")
    customer = session.get(User, order.user_id)
    return PaymentOutcome(orders.load_details(session, order), "paid", notify=customer.email)
