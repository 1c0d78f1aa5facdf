"""The catalog and what shoppers keep: products (owned by a shop account), cart lines, wishlist entries
and reviews of products and shops.

Money is ``Numeric(12, 2)``; ``discount`` is a percentage. Ratings are kept as the original kept them, a
sum and a count (the client divides); a product's ``sold_count`` is its purchase volume, moved by the
stock services in the same transaction as the order."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase

REVIEW_TARGETS = ("product", "shop")


class Product(ObjectIdPk, DioraBase):
    __tablename__ = "products"

    shop_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    discount: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=0, server_default="0")
    stock: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The original's ``imageUrl`` (the first is the thumbnail) and the stored files' keys.
    image_urls: Mapped[list] = mapped_column(JSON, default=list)
    image_ids: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[list] = mapped_column(JSON, default=list)
    categories_key: Mapped[str] = mapped_column(Text, default="", server_default="")  # "|men|tops|", for filters
    sizes: Mapped[list] = mapped_column(JSON, default=list)
    variants: Mapped[list] = mapped_column(JSON, default=list)
    rating_sum: Mapped[float] = mapped_column(default=0, server_default="0")
    review_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sold_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reports: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)


Index("ix_products_shop_created", Product.shop_id, Product.created_at)
Index("ix_products_created", Product.created_at)
Index("ix_products_price", Product.price)
Index("ix_products_sold", Product.sold_count)


class CartItem(ObjectIdPk, DioraBase):
    """One line of a user's cart: a product in one size and variant ("" when it has none)."""

    __tablename__ = "cart_items"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    size: Mapped[str] = mapped_column(String(50), default="", server_default="")
    variant: Mapped[str] = mapped_column(String(50), default="", server_default="")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "product_id", "size", "variant", name="uq_cart_items_line"),
                      CheckConstraint("quantity >= 1", name="quantity_positive"))


class WishlistItem(DioraBase):
    __tablename__ = "wishlist_items"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Index("ix_wishlist_items_user_created", WishlistItem.user_id, WishlistItem.created_at)
Index("ix_wishlist_items_product", WishlistItem.product_id)


class Review(ObjectIdPk, DioraBase):
    """A review of a product (``product_id``) or of a shop (``shop_id``): exactly one is set, and a user
    reviews each target once (the unique pairs; NULLs never collide)."""

    __tablename__ = "reviews"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(7))
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), nullable=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    images: Mapped[list] = mapped_column(JSON, default=list)
    image_ids: Mapped[list] = mapped_column(JSON, default=list)
    verified_purchase: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "product_id", name="uq_reviews_user_product"),
        UniqueConstraint("user_id", "shop_id", name="uq_reviews_user_shop"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("(product_id IS NULL) <> (shop_id IS NULL)", name="one_target"),
    )

    @property
    def target_id(self):
        return self.product_id if self.target_type == "product" else self.shop_id


Index("ix_reviews_product_created", Review.product_id, Review.created_at)
Index("ix_reviews_shop_created", Review.shop_id, Review.created_at)
