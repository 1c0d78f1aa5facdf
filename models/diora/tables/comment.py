"""Comments on posts; a reply is a comment whose ``parent_id`` names the comment it answers."""
import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase


class Comment(ObjectIdPk, DioraBase):
    __tablename__ = "comments"

    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# A post's top-level comments newest first (parent_id NULL), a comment's replies in order.
Index("ix_comments_post_parent_created", Comment.post_id, Comment.parent_id, Comment.created_at)
Index("ix_comments_parent_created", Comment.parent_id, Comment.created_at)
