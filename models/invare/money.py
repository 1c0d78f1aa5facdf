"""Money and points: exact decimals with two places, stored as ``Numeric(14, 2)`` (``columns.Money``) and
written in JSON as decimal strings (``"2.50"``), as the reference shows for prices, bids and amounts.

- ``to_money(value, field=...)``: request value (string like ``"2.5"`` / ``"2.50"``, or a number) to a
  ``Decimal`` with two places; 400 naming ``field`` when it is not an amount, has more than two decimals,
  is negative (unless ``allow_negative``) or exceeds :data:`MAX_AMOUNT`.
- ``money_str(value)``: ``Decimal``/number to ``"2.50"`` (``None`` stays ``None``).
- ``money_number(value)``: the same amount as a JSON number (``999.99``), for the few fields the reference
  returns as numbers (the admin dashboard's ``totalIncome``).
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from models.errors import InvalidInput

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what Numeric(14, 2) holds


def to_money(value, *, field="amount", allow_negative=False):
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{field} must be a decimal amount", field=field)
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, (str, int, float, Decimal)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidInput(f"{field} must be a decimal amount", field=field)
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidInput(f"{field} must have at most 2 decimal places", field=field)
    if amount < 0 and not allow_negative:
        raise InvalidInput(f"{field} must not be negative", field=field)
    if abs(amount) > MAX_AMOUNT:
        raise InvalidInput(f"{field} must not be greater than {MAX_AMOUNT}", field=field)
    return amount.quantize(CENT)


def money_str(value):
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def money_number(value):
    if value is None:
        return None
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return int(amount) if amount == amount.to_integral_value() else float(amount)
