"""Accounts (users, shops and administrators are one table, as in the original: a shop is a user whose
``type`` is ``shop`` and whose shop profile sits on the row) and the follow graph."""
import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase

USER_TYPES = ("user", "shop", "admin")
STATUSES = ("active", "suspended", "banned")
THEMES = ("light", "dark")
EMAIL_FREQUENCIES = ("instant", "daily", "weekly")
# Per-type notification switches (the original's ``settings.notifications``), all on by default.
NOTIFICATION_SWITCHES = ("likes", "comments", "follow", "mention", "order", "promotion", "system", "warning",
                         "reportUpdate", "messages")
PRIVACY_DEFAULTS = {"profileVisibility": "public", "allowMessages": True, "showOnlineStatus": True}
PUSH_DEFAULTS = {"pushNotifications": True, "emailNotifications": False}


def default_notification_settings():
    return {**{name: True for name in NOTIFICATION_SWITCHES}, "emailFrequency": "instant", **PUSH_DEFAULTS}


def default_privacy():
    return dict(PRIVACY_DEFAULTS)


def default_onboarding():
    return {
        "isComplete": False, "completedAt": None, "step": 0,
        "profile": {"completed": False, "dateOfBirth": None, "gender": None, "location": "", "interests": []},
        "preferences": {"completed": False, "favoriteCategories": [], "shoppingFrequency": None, "budgetRange": None},
    }


def default_shop_profile():
    return {
        "coverImageUrl": None, "coverImageId": None, "location": "", "contactEmail": "", "contactPhone": "",
        "website": "", "socialLinks": {"facebook": "", "instagram": "", "twitter": "", "tiktok": ""},
        "categories": [], "businessType": "", "yearsInBusiness": "", "expectedProducts": "",
    }


class User(ObjectIdPk, DioraBase):
    __tablename__ = "users"

    # Both stored lower-cased (the original's ``lowercase: true``): unique regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(128))
    avatar: Mapped[str | None] = mapped_column(String(500), nullable=True)
    avatar_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    type: Mapped[str] = mapped_column(String(8), default="user", index=True)
    # Where the account says it is (the onboarding's location, or a shop's): kept here for search.
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")

    # Moderation: ``suspended`` with a past ``suspended_until`` is lifted at the next request.
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    suspended_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    suspension_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    ban_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    banned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # Counters kept beside the rows they count (changed under the row's lock).
    followers_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    following_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    posts_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    theme: Mapped[str] = mapped_column(String(5), default="light")
    notification_settings: Mapped[dict] = mapped_column(JSON, default=default_notification_settings)
    privacy: Mapped[dict] = mapped_column(JSON, default=default_privacy)
    onboarding: Mapped[dict] = mapped_column(JSON, default=default_onboarding)

    # The shop (type ``shop``): the free-form profile as JSON, the figures other areas update as columns.
    shop_profile: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    shop_categories: Mapped[str] = mapped_column(Text, default="", server_default="")  # "|men|tops|", for search
    shop_rating_sum: Mapped[float] = mapped_column(default=0, server_default="0")   # the original's ``shop.rating``
    shop_review_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stripe_account_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(100), nullable=True)

    last_active_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Follow(DioraBase):
    """``follower`` follows ``followed``: one row per pair (the primary key)."""

    __tablename__ = "follows"

    follower_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    followed_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# Followers of a user, newest first (profile lists, the trending score's recent follows).
Index("ix_follows_followed_created", Follow.followed_id, Follow.created_at)
