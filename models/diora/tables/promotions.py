"""Requests from regular users to become shops, with their proof documents (stored files)."""
import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase

PROMOTION_STATUSES = ("pending", "approved", "rejected")


class PromotionRequest(ObjectIdPk, DioraBase):
    __tablename__ = "promotion_requests"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    business_name: Mapped[str] = mapped_column(String(100))
    business_description: Mapped[str] = mapped_column(String(500))
    business_type: Mapped[str] = mapped_column(String(100))
    years_in_business: Mapped[str] = mapped_column(String(50), default="")
    expected_products: Mapped[str] = mapped_column(String(50), default="")
    additional_info: Mapped[str] = mapped_column(String(300), default="")
    # [{filename (storage key), originalName, path (storage key), mimetype, size}]
    proof_documents: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    review_comments: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


Index("ix_promotion_requests_user_status", PromotionRequest.user_id, PromotionRequest.status)
Index("ix_promotion_requests_status_submitted", PromotionRequest.status, PromotionRequest.submitted_at)
