"""Escrow for orders paid with points, and the platform's fee per side of every completed order.

A points checkout freezes the order's total plus the buyer's fee in the buyer's wallet
(``wallet.freeze``) and opens one :class:`Escrow` row (``held``) that expires ``escrow_hours`` (a
carrier sets 1..168 before checkout; 12 by default) after checkout. It ends in one of two ways, each
in the transaction that decides it:

- ``released`` when the assigned carrier confirms delivery: the buyer's frozen points leave, the seller
  receives the total less the seller's fee (``wallet.release``);
- ``refunded`` when the order is cancelled, or the escrow expires while the seller has not shipped (the
  ``escrow-expiry`` job): the frozen points return to the buyer (``wallet.refund``).

Every completed order records one :class:`OrderFee` row per side (``buyer``, ``seller``) with the
quantity, the fee in SAR (provider payments) or in points (points orders), for the administrators'
profit reports.
"""
import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Numeric, UniqueConstraint, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import UuidPk, utcnow
from models.invare import InvareBase, wallet
from models.invare.columns import Money, checked_enum, created_at_column

DEFAULT_ESCROW_HOURS = 12
ESCROW_STATUSES = ("held", "released", "refunded")
SIDES = ("buyer", "seller")
# The platform's fee, a fraction of the order total per side (the buyer pays theirs on top at checkout,
# the seller's is kept back from the payout).
FEE_RATES = {"buyer": Decimal("0.0000"), "seller": Decimal("0.0250")}
CENT = Decimal("0.01")


class Escrow(UuidPk, InvareBase):
    __tablename__ = "escrows"
    __table_args__ = (Index("ix_escrows_status_expires_at", "status", "expires_at"),)

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="RESTRICT"), unique=True)
    payer_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money)          # the order total
    buyer_fee: Mapped[Decimal] = mapped_column(Money)       # frozen on top of the total
    status: Mapped[str] = mapped_column(checked_enum(ESCROW_STATUSES, "escrow_status", 16), default="held")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at_column()

    @property
    def frozen(self):
        return Decimal(self.amount) + Decimal(self.buyer_fee)


class OrderFee(UuidPk, InvareBase):
    __tablename__ = "order_fees"
    __table_args__ = (UniqueConstraint("order_id", "side", name="uq_order_fees_order_side"),
                      Index("ix_order_fees_created_at_side", "created_at", "side"))

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(checked_enum(SIDES, "fee_side", 8))
    rate: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    quantity: Mapped[int] = mapped_column(Integer)
    amount_sar: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    amount_points: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    created_at: Mapped[dt.datetime] = created_at_column()


def fee(total, side):
    return (Decimal(total) * FEE_RATES[side]).quantize(CENT, rounding=ROUND_HALF_UP)


def hold(session, *, order, payer_id, now=None):
    """Freeze the order's total plus the buyer's fee in the payer's wallet (400 when short) and open the
    escrow; expires after the order's ``escrow_hours`` (12 when unset)."""
    now = now or utcnow()
    buyer_fee = fee(order.total, "buyer")
    escrow = Escrow(id=uuid.uuid4(), order_id=order.id, payer_id=payer_id, amount=order.total, buyer_fee=buyer_fee,
                    status="held", expires_at=now + dt.timedelta(hours=order.escrow_hours or DEFAULT_ESCROW_HOURS))
    wallet.freeze(session, user_id=payer_id, points=escrow.frozen, order_id=order.id)
    session.add(escrow)
    session.flush()
    return escrow


def held_for(session, order_id, *, lock=True):
    stmt = select(Escrow).where(Escrow.order_id == order_id, Escrow.status == "held")
    return session.scalars(stmt.with_for_update() if lock else stmt).first()


def refund(session, escrow, *, note, now=None):
    wallet.refund(session, user_id=escrow.payer_id, points=escrow.frozen, order_id=escrow.order_id, note=note)
    escrow.status, escrow.settled_at = "refunded", now or utcnow()


def release(session, escrow, *, seller_id, now=None):
    """The frozen points leave the buyer; the seller receives the total less the seller's fee."""
    seller_fee = fee(escrow.amount, "seller")
    wallet.release(session, buyer_id=escrow.payer_id, seller_id=seller_id, points=escrow.frozen,
                   fee=seller_fee + Decimal(escrow.buyer_fee), order_id=escrow.order_id)
    escrow.status, escrow.settled_at = "released", now or utcnow()


def record_fees(session, order, *, points):
    """One fee row per side for a completed order (in points for points orders, else in SAR)."""
    quantity = sum(item.quantity for item in order.items)
    for side in SIDES:
        amount = fee(order.total, side)
        session.add(OrderFee(order_id=order.id, side=side, rate=FEE_RATES[side], quantity=quantity,
                             amount_sar=Decimal("0.00") if points else amount,
                             amount_points=amount if points else Decimal("0.00")))
    session.flush()


def due(session, now, *, limit=100):
    """Held escrows past their expiry whose order the seller has not shipped, locked (others' skipped)."""
    from models.invare.orders import Order

    stmt = (select(Escrow).join(Order, Order.id == Escrow.order_id)
            .where(Escrow.status == "held", Escrow.expires_at <= now, Order.status == "paid")
            .order_by(Escrow.expires_at).limit(limit).with_for_update(skip_locked=True, of=Escrow))
    return list(session.scalars(stmt))
