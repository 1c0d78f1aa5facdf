"""In-app notifications: the table and the one service other areas call, ``record_notification``.

Minimal on purpose: rows are recorded here (a new listing for a favorite material records
``material_listing_added``); listing them, marking them read and pushing them is the notifications
area's work, built on this table.
"""
import uuid

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Timestamps, UuidPk
from models.invare import InvareBase
from models.invare.columns import Json, checked_enum

TYPES = ("order_paid", "payment_failed", "shipment_created", "shipment_updated", "order_status_changed",
         "material_listing_added")


class Notification(UuidPk, Timestamps, InvareBase):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(checked_enum(TYPES, "notification_type", 32))
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(String(2000))
    data: Mapped[dict] = mapped_column(Json, default=dict)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    read_at = mapped_column(DateTime(timezone=True), nullable=True)


def record_notification(session, user_id, type, title, body, data=None):
    """Add one notification for ``user_id`` (flushed, not committed: the caller's unit of work commits)."""
    row = Notification(user_id=user_id, type=type, title=title, message=body, data=dict(data or {}))
    session.add(row)
    return row
