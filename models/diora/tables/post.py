"""Posts (an outfit picture with a caption) and their likes: one row per (user, post), whose
``stars`` counter on the post is changed only under the post's row lock."""
import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase


class Post(ObjectIdPk, DioraBase):
    __tablename__ = "posts"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    image_url: Mapped[str] = mapped_column(String(500))
    image_id: Mapped[str] = mapped_column(String(300))
    caption: Mapped[str] = mapped_column(Text, default="")
    stars: Mapped[int] = mapped_column(Integer, default=0, server_default="0")           # likes
    comments_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # comments and replies
    reports: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The trending rank, kept current with every like and comment (see models.diora.post.trend_score).
    trend_score: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PostLike(DioraBase):
    __tablename__ = "post_likes"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The feed (newest first), a user's posts, the trending rank, a user's likes (newest first).
Index("ix_posts_created", Post.created_at, Post.id)
Index("ix_posts_user_created", Post.user_id, Post.created_at)
Index("ix_posts_trend", Post.trend_score, Post.id)
Index("ix_post_likes_user_created", PostLike.user_id, PostLike.created_at)
Index("ix_post_likes_post", PostLike.post_id)
