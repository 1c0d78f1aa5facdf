"""Looking's tables."""
import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ObjectIdPk, Timestamps, utcnow
from models.looking import LookingBase

PERMISSIONS = ("view", "add", "edit", "update", "delete", "manage", "super", "manageAppPreferences")
TAG_KINDS = ("position", "looking", "tribes", "ethnos")


class User(ObjectIdPk, Timestamps, LookingBase):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(128))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    can: Mapped[list] = mapped_column(JSON, default=list)
    force_reset: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped by every password change: tokens carry it as ``ver`` and an older one is refused.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PasswordReset(ObjectIdPk, LookingBase):
    __tablename__ = "password_resets"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Profile(ObjectIdPk, Timestamps, LookingBase):
    __tablename__ = "profiles"

    order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    age: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    location: Mapped[str] = mapped_column(String(200), default="", index=True)
    about: Mapped[str] = mapped_column(Text, default="")
    pic_thumb: Mapped[str] = mapped_column(String(500), default="")
    pic_detail: Mapped[str] = mapped_column(String(500), default="")
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    approved: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    tags: Mapped[list["ProfileTag"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ProfileTag.rank"
    )
    messages: Mapped[list["Message"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Message.rank"
    )

    def tag_values(self, kind):
        return [t.value for t in self.tags if t.kind == kind]


class ProfileTag(LookingBase):
    """One value of a profile's position/looking/tribes/ethnos list, indexed for the find filters."""

    __tablename__ = "profile_tags"

    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)

    profile: Mapped[Profile] = relationship(back_populates="tags")


ProfileTag.__table__.append_constraint(UniqueConstraint("kind", "value", "profile_id", name="uq_profile_tags_lookup"))


class Message(ObjectIdPk, LookingBase):
    __tablename__ = "messages"

    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    is_user: Mapped[bool] = mapped_column(Boolean, default=False)
    image: Mapped[str | None] = mapped_column(String(500), nullable=True)
    timestamp: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    profile: Mapped[Profile] = relationship(back_populates="messages")


class GeocacheEntry(ObjectIdPk, Timestamps, LookingBase):
    __tablename__ = "geocache"

    key: Mapped[str] = mapped_column(String(200), unique=True)
    formatted: Mapped[str] = mapped_column(String(300), default="")
    lng: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
