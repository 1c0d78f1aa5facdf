"""Prices and the order summary, computed in one place for the cart, checkout and orders.

``subtotal = Σ round2(final_price × quantity)``; ``tax = round2(subtotal × 18 %)``; shipping is free
from a subtotal of 5000 (and for an empty cart), else 250; ``total = subtotal + tax + shipping``.
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

    @property
    def paise(self):
        """The total in the smallest currency unit, as Razorpay wants it."""
        return int((self.total * 100).to_integral_value(rounding=ROUND_HALF_UP))


def summarize(lines):
    """``lines``: (unit_price, quantity) pairs."""
    subtotal = round2(sum((line_total(price, qty) for price, qty in lines), Decimal("0")))
    tax = round2(subtotal * TAX_RATE)
    shipping = Decimal("0.00") if subtotal == 0 or subtotal >= FREE_SHIPPING_FROM else SHIPPING_FEE
    return Summary(subtotal=subtotal, tax=tax, shipping=shipping, total=round2(subtotal + tax + shipping))
