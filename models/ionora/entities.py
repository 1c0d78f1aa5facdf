"""Ionora's tables. Money is ``Numeric(12, 2)`` (``Decimal`` in Python); enums are checked strings."""
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, DateTime, Enum, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, Uuid,
    event, text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk, utcnow
from models.ionora import IonoraBase

ADDRESS_TYPES = ("billing", "shipping", "home", "office", "other")
ORDER_STATUSES = ("pending", "confirmed", "processing", "shipped", "delivered", "cancelled", "returned")
PAYMENT_STATUSES = ("pending", "authorized", "paid", "failed", "refunded")
PAYMENT_METHODS = ("razorpay",)

Money = Numeric(12, 2)
# PostgreSQL full-text search reads the stored, GIN-indexed ``products.search_vector`` column, generated
# by the database from name and description (migration 5e1f0c7a3b92). It is not mapped: SQLite has no
# such column (it searches with LIKE), and autogenerate leaves it alone (``SKIP_COLUMNS``).
SEARCH_VECTOR = "products.search_vector"
Json = JSON().with_variant(JSONB(), "postgresql")


def _enum(values, name):
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def _now_column(index=False):
    return mapped_column(DateTime(timezone=True), default=utcnow, index=index)


class User(UuidPk, Timestamps, IonoraBase):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(128))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Bumped by every password change or reset: tokens carry it as ``ver`` and an older one is refused.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PasswordResetToken(UuidPk, IonoraBase):
    __tablename__ = "password_reset_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = _now_column()


class Address(UuidPk, IonoraBase):
    __tablename__ = "addresses"
    __table_args__ = (
        # At most one default address per user (a partial unique index on both backends).
        Index("uq_addresses_one_default", "user_id", unique=True,
              postgresql_where=text("is_default"), sqlite_where=text("is_default")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    address_type: Mapped[str] = mapped_column(_enum(ADDRESS_TYPES, "address_type"), default="shipping")
    full_address: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(100))
    pincode: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(100))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = _now_column(index=True)


class Product(UuidPk, Timestamps, IonoraBase):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_active_created", "is_active", "created_at"),
    )

    # The id a static storefront knows the product by (its own catalogue id), set by administrators.
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    price: Mapped[Decimal] = mapped_column(Money, index=True)
    discount_percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    final_price: Mapped[Decimal] = mapped_column(Money, index=True)
    category: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    stock_quantity: Mapped[int] = mapped_column(Integer, default=0)
    images: Mapped[list] = mapped_column(Json, default=list)
    specifications: Mapped[dict] = mapped_column(Json, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    def reprice(self):
        """``final_price = round(price × (1 − discount / 100), 2)``, kept in step on every write."""
        price = Decimal(self.price or 0)
        discount = Decimal(self.discount_percentage or 0)
        self.final_price = (price * (1 - discount / 100)).quantize(Decimal("0.01"))


@event.listens_for(Product, "before_insert")
@event.listens_for(Product, "before_update")
def _reprice(_mapper, _connection, product):
    product.reprice()


class CartItem(UuidPk, IonoraBase):
    __tablename__ = "cart"
    __table_args__ = (UniqueConstraint("user_id", "product_id", name="uq_cart_user_product"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    added_at: Mapped[dt.datetime] = _now_column(index=True)

    product: Mapped[Product] = relationship(lazy="raise")


class Favorite(UuidPk, IonoraBase):
    __tablename__ = "favorites"
    __table_args__ = (UniqueConstraint("user_id", "product_id", name="uq_favorites_user_product"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[dt.datetime] = _now_column(index=True)

    product: Mapped[Product] = relationship(lazy="raise")


class Order(UuidPk, Timestamps, IonoraBase):
    __tablename__ = "orders"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    order_number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(_enum(ORDER_STATUSES, "order_status"), default="pending", index=True)
    payment_status: Mapped[str] = mapped_column(_enum(PAYMENT_STATUSES, "payment_status"), default="pending",
                                                index=True)
    shipping_address_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("addresses.id", ondelete="RESTRICT"),
                                                           index=True)
    shipping_method: Mapped[str] = mapped_column(String(32), default="standard")
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tax_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    shipping_charge: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discount_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_amount: Mapped[Decimal] = mapped_column(Money)
    payment_method: Mapped[str] = mapped_column(String(16), default="razorpay")
    payment_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    razorpay_order_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # Razorpay's refund of a payment that arrived after the order was cancelled (``rfnd_...``).
    refund_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tracking_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    coupon_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # True while the order holds stock (from create-order until a failed payment or a cancellation).
    inventory_locked: Mapped[bool] = mapped_column(Boolean, default=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    shipped_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    items: Mapped[list["OrderItem"]] = relationship(back_populates="order", lazy="raise",
                                                    order_by="OrderItem.created_at, OrderItem.id")
    shipping_address: Mapped[Address] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


Index("ix_orders_created_at", Order.created_at)


class OrderItem(UuidPk, IonoraBase):
    __tablename__ = "order_items"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    price_at_purchase: Mapped[Decimal] = mapped_column(Money)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[dt.datetime] = _now_column()

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise")
    product: Mapped[Product] = relationship(lazy="raise")


class OrderTracking(UuidPk, IonoraBase):
    """The status history of an order (who moved it where, and why)."""

    __tablename__ = "order_tracking"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(_enum(ORDER_STATUSES, "tracking_status"))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = _now_column()


class OrderCounter(IonoraBase):
    """The last order number handed out per year (``ION-<year>-<n>``), incremented atomically."""

    __tablename__ = "order_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class WebhookEvent(UuidPk, IonoraBase):
    """Every accepted webhook delivery, once per event id: the idempotency key and the event log."""

    __tablename__ = "webhook_events"

    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    event: Mapped[str] = mapped_column(String(64), index=True)
    razorpay_order_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    payment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(64), default="received")
    payload: Mapped[dict] = mapped_column(Json, default=dict)
    received_at: Mapped[dt.datetime] = _now_column(index=True)


COUPON_TYPES = ("percentage", "fixed")


class Coupon(UuidPk, Timestamps, IonoraBase):
    """A discount code (stored upper-case). ``usage_count`` counts the orders that hold it: taken in the
    create-order transaction, given back when such an order is cancelled."""

    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("discount_value > 0", name="discount_positive"),
        CheckConstraint("usage_count >= 0", name="usage_not_negative"),
    )

    code: Mapped[str] = mapped_column(String(64), unique=True)
    discount_type: Mapped[str] = mapped_column(_enum(COUPON_TYPES, "coupon_discount_type"))
    discount_value: Mapped[Decimal] = mapped_column(Money)
    min_order_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    max_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    valid_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PublicWishlist(IonoraBase):
    """A user's shared wishlist: one share per user; sharing again replaces the token. Only the token's
    SHA-256 is stored."""

    __tablename__ = "public_wishlists"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = _now_column()


class CallbackRequest(UuidPk, IonoraBase):
    """"Request a callback" from the storefront; signed-in visitors are linked to their account."""

    __tablename__ = "callback_requests"

    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True,
                                                      index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = _now_column(index=True)


# Schema objects the migrations own by hand and the models do not map (autogenerate leaves them alone).
IonoraBase.metadata.info["unmanaged"] = {"products.search_vector", "ix_products_search_vector"}
