"""Shipping tenders: one per paid order, where carriers offer a price to carry it.

A tender opens when its order is paid (points checkout or a successful provider payment), stays
``open`` for :data:`TENDER_HOURS`, and ends ``awarded`` (the buyer side or an administrator selects an
offer), ``expired`` (the ``tender-expiry`` job) or ``closed`` (the order was cancelled).

:class:`ShippingOffer`: a carrier's price for a tender, one per carrier per tender (a unique constraint;
a second offer by the same carrier replaces the first). Offering and selecting live in
``models.invare.shipping_tenders``.
"""
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint, Uuid, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk, utcnow
from models.invare import InvareBase
from models.invare.columns import Money, checked_enum, created_at_column
from models.invare.users import User

TENDER_HOURS = 12
STATUSES = ("open", "awarded", "expired", "closed")


class ShippingTender(UuidPk, InvareBase):
    __tablename__ = "shipping_tenders"
    __table_args__ = (Index("ix_shipping_tenders_status_expires_at", "status", "expires_at"),)

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    chat_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the tender's chat, when the chat area links one
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(checked_enum(STATUSES, "tender_status", 16), default="open")
    selected_carrier_user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = created_at_column()

    selected_carrier_user = relationship(User, foreign_keys=[selected_carrier_user_id], lazy="raise")


class ShippingOffer(UuidPk, Timestamps, InvareBase):
    __tablename__ = "shipping_offers"
    __table_args__ = (UniqueConstraint("tender_id", "carrier_user_id", name="uq_shipping_offers_tender_carrier"),
                      Index("ix_shipping_offers_tender_amount", "tender_id", "amount"))

    tender_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("shipping_tenders.id", ondelete="CASCADE"))
    carrier_user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="SAR")
    notes: Mapped[str | None] = mapped_column(String(500))

    carrier_user = relationship(User, foreign_keys=[carrier_user_id], lazy="raise")


# A tender's offers, lowest first (what a chat about the tender shows).
ShippingTender.offers = relationship(ShippingOffer, order_by=(ShippingOffer.amount, ShippingOffer.created_at),
                                     lazy="raise", viewonly=True)


def open_for(session, order, *, now=None):
    """The order's tender, opened now (an order has one: a second call returns the first)."""
    existing = session.scalars(select(ShippingTender).where(ShippingTender.order_id == order.id)).first()
    if existing is not None:
        return existing
    now = now or utcnow()
    tender = ShippingTender(order_id=order.id, expires_at=now + dt.timedelta(hours=TENDER_HOURS), status="open",
                            created_at=now)
    session.add(tender)
    session.flush()
    return tender


def close_for(session, order_id):
    """The order was cancelled: its open tender closes."""
    session.execute(update(ShippingTender).where(ShippingTender.order_id == order_id,
                                                 ShippingTender.status == "open").values(status="closed"))


def expire_due(database, now):
    """Job ``tender-expiry``: open tenders past ``expires_at`` become ``expired``. One conditional
    UPDATE, so two runs at once expire each tender once."""
    with database.unit_of_work() as uow:
        result = uow.session.execute(update(ShippingTender).where(ShippingTender.status == "open",
                                                                  ShippingTender.expires_at <= now)
                                     .values(status="expired"))
        uow.commit()
    return {"expired": result.rowcount or 0}
