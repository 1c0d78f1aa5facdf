"""Notifications: one row per notice a user receives. Likes and comments on one post are aggregated into
one row per (recipient, kind, post) through ``group_key`` (unique per recipient), whose ``from_user_ids``
lists the people behind it, newest first."""
import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase

TYPES = ("like", "comment", "follow", "mention", "order", "promotion", "system", "warning", "reportUpdate", "message")


class Notification(ObjectIdPk, DioraBase):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "group_key", name="uq_notifications_user_group"),)

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))   # the recipient
    from_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
                                                     index=True)
    from_user_ids: Mapped[list] = mapped_column(JSON, default=list)
    type: Mapped[str] = mapped_column(String(16))
    group_key: Mapped[str | None] = mapped_column(String(64), nullable=True)   # e.g. "like:<postId>"; NULL: alone
    post_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    product_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    comment_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    order_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    avatar: Mapped[str | None] = mapped_column(String(500), nullable=True)
    action_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    image_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# A recipient's list, newest activity first, and its unread filter/count.
Index("ix_notifications_user_updated", Notification.user_id, Notification.updated_at)
Index("ix_notifications_user_read", Notification.user_id, Notification.read)
