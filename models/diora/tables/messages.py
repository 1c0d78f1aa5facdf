"""Conversations (private: one per pair of users; group: 2 to 10 members with a name), their members
with each member's unread count, messages, and reactions (one row per message, emoji and user)."""
import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ObjectIdPk, utcnow
from models.diora import DioraBase

CONVERSATION_TYPES = ("private", "group")
MESSAGE_TYPES = ("text", "image", "product", "profile", "post", "deleted", "info")
MESSAGE_STATUSES = ("sending", "sent", "delivered", "read")


class Conversation(ObjectIdPk, DioraBase):
    __tablename__ = "conversations"

    type: Mapped[str] = mapped_column(String(8))
    # Private conversations: "<smaller user id>:<larger user id>", unique, so a pair has one conversation
    # even when both start it at the same moment. NULL for groups.
    pair_key: Mapped[str | None] = mapped_column(String(49), nullable=True, unique=True)
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    avatar: Mapped[str | None] = mapped_column(String(500), nullable=True)
    avatar_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    last_message_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Bumped by every message and change: the conversation list is newest activity first.
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Participant(DioraBase):
    """A member of a conversation and the messages they have not read yet."""

    __tablename__ = "conversation_participants"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    unread_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Message(ObjectIdPk, DioraBase):
    __tablename__ = "messages"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    type: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="sent")
    reply_to_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    # Shared objects: products and posts live in other areas' tables (ids only, checked when sent).
    product_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    post_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    profile_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    image_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Reaction(DioraBase):
    """``user`` reacted to ``message`` with ``emoji``: toggled, one row per (message, emoji, user)."""

    __tablename__ = "message_reactions"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    emoji: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# A user's conversations; a conversation's history, newest first (paged).
Index("ix_conversation_participants_user", Participant.user_id)
Index("ix_conversations_updated", Conversation.updated_at)
Index("ix_messages_conversation_created", Message.conversation_id, Message.created_at, Message.id)
