"""Coupons: a percentage or fixed discount with a validity window, a minimum order value and a usage
limit. A use is counted in the create-order transaction (a conditional increment under the row lock)
and given back when that order is cancelled."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update

from models.base import as_utc, utcnow
from models.errors import RuleViolation
from models.ionora import cart
from models.ionora.entities import Coupon
from models.ionora.money import round2, summarize
from models.ionora.users import BLANK

CART_EMPTY = "Cart is empty."
NOT_FOUND = "Coupon not found or inactive."
LIMIT_REACHED = "Coupon usage limit reached."


def normalize_code(code):
    return (code or "").strip(BLANK).upper()


def find(session, code, *, lock=False):
    stmt = select(Coupon).where(Coupon.code == normalize_code(code))
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def check(coupon, subtotal, *, now=None):
    """Raise the first rule ``coupon`` breaks for an order of ``subtotal`` (the original's order)."""
    now = now or utcnow()
    if coupon is None:
        raise RuleViolation(NOT_FOUND, field="code")
    if not coupon.is_active:
        raise RuleViolation("Coupon is inactive.", field="code")
    if coupon.valid_from is not None and as_utc(coupon.valid_from) > now:
        raise RuleViolation("Coupon is not yet valid.", field="code")
    if coupon.valid_until is not None and as_utc(coupon.valid_until) < now:
        raise RuleViolation("Coupon has expired.", field="code")
    if subtotal < Decimal(coupon.min_order_value or 0):
        raise RuleViolation(f"Minimum order value of INR {Decimal(coupon.min_order_value):.2f} required.",
                            field="code")
    if coupon.max_uses is not None and coupon.usage_count >= coupon.max_uses:
        raise RuleViolation(LIMIT_REACHED, field="code")
    return coupon


@dataclass(frozen=True)
class Applied:
    coupon: Coupon
    summary: object


def apply_to_cart(session, *, user_id, code):
    """What ``code`` would do to the caller's cart now (nothing is reserved)."""
    lines = cart.lines(session, user_id=user_id)
    if not lines:
        raise RuleViolation(CART_EMPTY)
    priced = [(line.product.final_price, line.quantity) for line in lines]
    coupon = check(find(session, code), summarize(priced).subtotal)
    return Applied(coupon=coupon, summary=summarize(priced, coupon))


def take_use(session, code, subtotal):
    """Inside create-order: lock the coupon, re-check it, and count one use. The increment is also
    conditional (``usage_count < max_uses``), so the limit holds even without the row lock."""
    coupon = check(find(session, code, lock=True), subtotal)
    result = session.execute(
        update(Coupon)
        .where(Coupon.id == coupon.id, (Coupon.max_uses.is_(None)) | (Coupon.usage_count < Coupon.max_uses))
        .values(usage_count=Coupon.usage_count + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise RuleViolation(LIMIT_REACHED, field="coupon_code")
    session.refresh(coupon)
    return coupon


def release_use(session, code):
    """An order holding ``code`` was cancelled: one use comes back (never below zero)."""
    if not code:
        return
    session.execute(update(Coupon)
                    .where(Coupon.code == normalize_code(code), Coupon.usage_count > 0)
                    .values(usage_count=Coupon.usage_count - 1, updated_at=utcnow())
                    .execution_options(synchronize_session=False))


def create_coupon(session, *, code, discount_type, discount_value, min_order_value=0, max_uses=None,
                  valid_from=None, valid_until=None, is_active=True):
    coupon = Coupon(code=normalize_code(code), discount_type=discount_type,
                    discount_value=round2(Decimal(str(discount_value))),
                    min_order_value=round2(Decimal(str(min_order_value or 0))), max_uses=max_uses, usage_count=0,
                    valid_from=valid_from, valid_until=valid_until, is_active=is_active)
    session.add(coupon)
    session.flush()
    return coupon


def remaining_uses(coupon):
    return None if coupon.max_uses is None else max(coupon.max_uses - coupon.usage_count, 0)


__all__ = ["apply_to_cart", "take_use", "release_use", "create_coupon", "remaining_uses"]
