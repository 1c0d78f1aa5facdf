"""Orders and what pays for them: an order (its lines copied from the catalog at the time of purchase:
name, image and the discounted unit price), the per-day order-number counter, and every Stripe webhook
event received (the idempotency key and the event log).

Stock is taken when the order is placed and given back at most once (``stock_released``): when the
order is cancelled, or when a card order is never paid."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase

ORDER_STATUSES = ("processing", "confirmed", "shipped", "delivered", "cancelled")
PAYMENT_METHODS = ("cod", "card", "bkash")
PAYMENT_STATUSES = ("pending", "paid", "failed", "refunded")
REFUND_STATUSES = ("pending", "refunded", "failed")


class Order(ObjectIdPk, DioraBase):
    __tablename__ = "orders"

    order_number: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subtotal: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    shipping_fee: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(10), default="processing")
    payment_method: Mapped[str] = mapped_column(String(5))
    payment_status: Mapped[str] = mapped_column(String(8), default="pending")
    refund_status: Mapped[str | None] = mapped_column(String(8), nullable=True)
    shipping_address: Mapped[dict] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    tracking_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    estimated_delivery: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    stock_released: Mapped[bool] = mapped_column(Boolean, default=False)
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), nullable=True, unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    refund_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    items: Mapped[list["OrderItem"]] = relationship(order_by="OrderItem.position", lazy="raise",
                                                    cascade="all, delete-orphan")


Index("ix_orders_user_created", Order.user_id, Order.created_at)
Index("ix_orders_created", Order.created_at)
Index("ix_orders_unpaid", Order.payment_method, Order.payment_status, Order.created_at)


class OrderItem(ObjectIdPk, DioraBase):
    """One line: what was bought, from which shop, at which unit price (after the discount)."""

    __tablename__ = "order_items"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), nullable=True)
    shop_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    image: Mapped[str] = mapped_column(String(500), default="")
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    quantity: Mapped[int] = mapped_column(Integer)
    size: Mapped[str] = mapped_column(String(50), default="")
    variant: Mapped[str] = mapped_column(String(50), default="")


Index("ix_order_items_order", OrderItem.order_id, OrderItem.position)
Index("ix_order_items_shop_order", OrderItem.shop_id, OrderItem.order_id)


class OrderNumberCounter(DioraBase):
    """The last sequence number handed out per day (``YYMMDD``), taken under the row's lock."""

    __tablename__ = "order_number_counters"

    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class StripeEvent(DioraBase):
    """Each Stripe event processed, once per event id, with what it did."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[str | None] = mapped_column(String(24), nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
