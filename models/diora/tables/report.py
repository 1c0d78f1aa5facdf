"""Reports of users, shops, posts, products, comments and reviews, and their moderation."""
import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase

ITEM_TYPES = ("user", "post", "product", "comment", "review", "shop")
REASONS = ("spam", "harassment", "inappropriate_content", "fake_reviews", "fraud", "copyright_violation",
           "violence", "hate_speech", "other")
STATUSES = ("pending", "under_review", "resolved", "dismissed")
OPEN = ("pending", "under_review")
PRIORITIES = ("low", "medium", "high", "urgent")
ACTIONS_TAKEN = ("none", "warning_sent", "content_removed", "user_suspended", "user_banned", "shop_suspended", "other")


class Report(ObjectIdPk, DioraBase):
    __tablename__ = "reports"

    reporter_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_type: Mapped[str] = mapped_column(String(10))
    item_id: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(24))              # the original's ``type``
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    priority: Mapped[str] = mapped_column(String(8), default="medium")
    admin_notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    action_taken: Mapped[str] = mapped_column(String(16), default="none")
    evidence_urls: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# The admin list (by status, newest first), the clean-up, and one reporter's open report on an item.
Index("ix_reports_status_created", Report.status, Report.created_at)
Index("ix_reports_created", Report.created_at)
Index("ix_reports_reporter_item", Report.reporter_id, Report.item_type, Report.item_id)
Index("ix_reports_item", Report.item_type, Report.item_id)
