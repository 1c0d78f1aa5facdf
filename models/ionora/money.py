"""Prices and the order summary, computed in one place for the cart, checkout and orders.

``subtotal = Σ round2(final_price × quantity)``; a coupon's ``discount`` comes off before tax and the
shipping threshold (``discounted = max(subtotal − discount, 0)``); ``tax = round2(discounted × 18 %)``;
shipping is free from a discounted subtotal of 5000 (and when it is 0), else 250;
``total = discounted + tax + shipping``.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TAX_RATE = Decimal("0.18")
SHIPPING_FEE = Decimal("250.00")
FREE_SHIPPING_FROM = Decimal("5000.00")
CENT = Decimal("0.01")


def round2(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price, quantity):
    return round2(Decimal(unit_price) * quantity)


@dataclass(frozen=True)
class Summary:
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    discount: Decimal = Decimal("0.00")

    @property
    def paise(self):
        """The total in the smallest currency unit, as Razorpay wants it."""
        return int((self.total * 100).to_integral_value(rounding=ROUND_HALF_UP))


def summarize(lines, coupon=None):
    """``lines``: (unit_price, quantity) pairs; ``coupon``: anything with ``discount_type`` and
    ``discount_value`` (see :func:`discount_for`)."""
    subtotal = round2(sum((line_total(price, qty) for price, qty in lines), Decimal("0")))
    discount = discount_for(coupon, subtotal)
    discounted = max(subtotal - discount, Decimal("0.00"))
    tax = round2(discounted * TAX_RATE)
    shipping = Decimal("0.00") if discounted == 0 or discounted >= FREE_SHIPPING_FROM else SHIPPING_FEE
    return Summary(subtotal=subtotal, tax=tax, shipping=shipping, total=round2(discounted + tax + shipping),
                   discount=discount)


def discount_for(coupon, subtotal):
    """A percentage coupon takes ``subtotal × value / 100``, a fixed one ``value``; never more than the
    subtotal, rounded to 2 decimals."""
    if coupon is None:
        return Decimal("0.00")
    value = Decimal(coupon.discount_value)
    amount = subtotal * value / 100 if coupon.discount_type == "percentage" else value
    return round2(min(amount, subtotal))
