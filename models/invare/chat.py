"""Chats between the parties of a listing (buyer and seller), with messages of every type.

A chat has participants; only they (and administrators) read it, write in it, change its status or
subscribe to its topic. Whoever starts a chat about a listing talks to its seller, found as the web
client finds it: the listing's ``sellerUser``, else the owner of its seller company. Administrators may
start any chat with any participants. A chat about an order is between its buyer and seller parties; one
about a shipping tender also takes the tender's selected carrier, and becomes the tender's chat.
"""
import uuid

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Conflict, Forbidden, InvalidInput, NotFound
from models.invare import InvareBase
from models.invare.columns import checked_enum
from models.invare.companies import Company
from models.invare.listings import Listing
from models.invare.orders import Order, OrderItem
from models.invare.tenders import ShippingOffer, ShippingTender
from models.invare.paging import page_of
from models.invare.users import User, get_open_user

STATUSES = ("open", "closed")
MESSAGE_TYPES = ("text", "image", "video", "audio", "voice", "file")
CHAT_NOT_FOUND = "Chat not found"
NOT_A_PARTICIPANT = "You are not a participant of this chat"
ATTACHMENT_FIELDS = ("attachmentUrl", "attachmentName", "attachmentMimeType", "attachmentSize", "attachmentDuration")


class Chat(UuidPk, Timestamps, InvareBase):
    __tablename__ = "chats"

    topic: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(checked_enum(STATUSES, "chat_status", 16), default="open")
    created_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("listings.id", ondelete="SET NULL"),
                                                         index=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="SET NULL"),
                                                       index=True)
    shipping_tender_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("shipping_tenders.id", ondelete="SET NULL"), index=True)

    created_by: Mapped[User] = relationship(lazy="raise")
    listing: Mapped[Listing | None] = relationship(lazy="raise")
    order: Mapped[Order | None] = relationship(lazy="raise")
    shipping_tender: Mapped[ShippingTender | None] = relationship(lazy="raise")
    participants: Mapped[list["ChatParticipant"]] = relationship(
        back_populates="chat", lazy="raise", cascade="all, delete-orphan", order_by="ChatParticipant.created_at")


class ChatParticipant(UuidPk, InvareBase):
    __tablename__ = "chat_participants"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)

    chat_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("chats.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(DateTime(timezone=True), default=utcnow)

    chat: Mapped[Chat] = relationship(back_populates="participants", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


class ChatMessage(UuidPk, InvareBase):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_chat_id_created_at", "chat_id", "created_at"),)

    chat_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("chats.id", ondelete="CASCADE"))
    sender_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(checked_enum(MESSAGE_TYPES, "chat_message_type", 16), default="text")
    content: Mapped[str | None] = mapped_column(Text)
    attachment_url: Mapped[str | None] = mapped_column(String(2048))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_mime_type: Mapped[str | None] = mapped_column(String(255))
    attachment_size: Mapped[int | None] = mapped_column(BigInteger)
    attachment_duration: Mapped[int | None] = mapped_column(Integer)
    created_at = mapped_column(DateTime(timezone=True), default=utcnow)

    chat: Mapped[Chat] = relationship(lazy="raise")
    sender: Mapped[User] = relationship(lazy="raise")


def _chat_loads():
    """What a chat's answer nests: creator, listing (with its seller user), order (with its items and
    their listings), shipping tender (with its offers and their carriers), participants."""
    return (selectinload(Chat.created_by), selectinload(Chat.listing).selectinload(Listing.seller_user),
            selectinload(Chat.order).selectinload(Order.items).selectinload(OrderItem.listing),
            selectinload(Chat.shipping_tender).selectinload(ShippingTender.offers).selectinload(ShippingOffer.carrier_user),
            selectinload(Chat.participants).selectinload(ChatParticipant.user))


def load_chat(session, chat_id, *, lock=False):
    chat_id = uuid.UUID(str(chat_id))
    stmt = select(Chat).where(Chat.id == chat_id).options(*_chat_loads())
    if lock:
        stmt = stmt.with_for_update(of=Chat)
    chat = session.scalars(stmt).first()
    if chat is None:
        raise NotFound(CHAT_NOT_FOUND)
    return chat


def participant_ids(chat):
    return {p.user_id for p in chat.participants}


def require_participant(chat, caller):
    if not (caller.is_admin or caller.id in participant_ids(chat)):
        raise Forbidden(NOT_A_PARTICIPANT)


def listing_seller_id(session, listing):
    """The seller as the client finds it: ``sellerUser``, else the seller company's owner."""
    if listing.seller_user_id is not None:
        return listing.seller_user_id
    if listing.seller_company_id is not None:
        return session.scalar(select(Company.owner_id).where(Company.id == listing.seller_company_id))
    return None


def _acting_user(caller, given, field):
    """``createdByUserId``/``senderUserId``: the caller unless given; only administrators act for others."""
    if given is None:
        return caller.id
    given = uuid.UUID(str(given))
    if given != caller.id and not caller.is_admin:
        raise Forbidden(f"{field} must be your own id")
    return given


def create_chat(session, *, caller, data):
    """A chat (201) with its participants; for a listing, the seller is always one of them."""
    creator_id = _acting_user(caller, data.get("createdByUserId"), "createdByUserId")
    wanted = {uuid.UUID(str(u)) for u in data.get("participantUserIds") or []} | {creator_id}
    listing, order, tender = None, None, None
    parties = None  # who may be in the chat (None: anyone, for administrators' chats)
    if data.get("shippingTenderId") is not None:
        tender = session.get(ShippingTender, uuid.UUID(str(data["shippingTenderId"])))
        if tender is None:
            raise NotFound("Shipping tender not found")
        order = session.get(Order, tender.order_id)
        parties = {order.buyer_party_id, order.seller_party_id} | (
            {tender.selected_carrier_user_id} if tender.selected_carrier_user_id else set())
    elif data.get("orderId") is not None:
        order = session.get(Order, uuid.UUID(str(data["orderId"])))
        if order is None:
            raise NotFound("Order not found")
        parties = {order.buyer_party_id, order.seller_party_id}
    if data.get("listingId") is not None:
        listing = session.get(Listing, uuid.UUID(str(data["listingId"])))
        if listing is None:
            raise NotFound("Listing not found")
        seller_id = listing_seller_id(session, listing)
        if parties is None:
            parties = {creator_id} | ({seller_id} if seller_id else set())
            if seller_id is not None:
                wanted.add(seller_id)
    if parties is not None:
        if order is not None:
            wanted |= parties
        if not caller.is_admin and (creator_id not in parties or not wanted <= parties):
            raise Forbidden("A chat is between the parties of its listing, order or tender")
    elif not caller.is_admin:
        raise InvalidInput("listingId should not be empty", field="listingId")
    if len(wanted) < 2:
        raise InvalidInput("A chat needs another participant", field="participantUserIds")
    members = [get_open_user(session, user_id) for user_id in sorted(wanted, key=str)]
    chat = Chat(topic=data.get("topic") or (listing.title if listing else None), created_by_id=creator_id,
                listing_id=listing.id if listing else None, order_id=order.id if order else None,
                shipping_tender_id=tender.id if tender else None)
    session.add(chat)
    session.flush()
    if tender is not None and tender.chat_id is None:
        tender.chat_id = chat.id
    for member in members:
        session.add(ChatParticipant(chat_id=chat.id, user_id=member.id))
    session.flush()
    session.expire(chat)
    return load_chat(session, chat.id)


def chats_of_user(session, *, caller, user_id, page, limit):
    user_id = uuid.UUID(str(user_id))
    caller.require_self_or_admin(user_id, "You can only read your own chats")
    stmt = (select(Chat).join(ChatParticipant, ChatParticipant.chat_id == Chat.id)
            .where(ChatParticipant.user_id == user_id)
            .order_by(Chat.updated_at.desc(), Chat.id).options(*_chat_loads()))
    return page_of(session, stmt, page=page, limit=limit)


def chats_of_listing(session, *, caller, listing_id, page, limit):
    """The listing's chats: all of them for administrators, the caller's own for everyone else."""
    listing_id = uuid.UUID(str(listing_id))
    if session.get(Listing, listing_id) is None:
        raise NotFound("Listing not found")
    stmt = select(Chat).where(Chat.listing_id == listing_id)
    if not caller.is_admin:
        mine = select(ChatParticipant.chat_id).where(ChatParticipant.user_id == caller.id)
        stmt = stmt.where(Chat.id.in_(mine))
    stmt = stmt.order_by(Chat.updated_at.desc(), Chat.id).options(*_chat_loads())
    return page_of(session, stmt, page=page, limit=limit)


def set_status(session, *, caller, chat_id, status):
    chat = load_chat(session, chat_id, lock=True)
    require_participant(chat, caller)
    chat.status = status
    chat.updated_at = utcnow()
    session.flush()
    return chat


def send_message(session, *, caller, data):
    chat = load_chat(session, uuid.UUID(str(data["chatId"])), lock=True)
    sender_id = _acting_user(caller, data.get("senderUserId"), "senderUserId")
    if sender_id not in participant_ids(chat):
        raise Forbidden(NOT_A_PARTICIPANT)
    if chat.status != "open":
        raise Conflict("Chat is closed")
    kind = data.get("type") or "text"
    if kind == "text":
        if not (data.get("content") or "").strip():
            raise InvalidInput("content should not be empty", field="content")
    elif not data.get("attachmentUrl"):
        raise InvalidInput("attachmentUrl should not be empty", field="attachmentUrl")
    message = ChatMessage(
        chat_id=chat.id, sender_id=sender_id, type=kind, content=data.get("content"),
        attachment_url=data.get("attachmentUrl"), attachment_name=data.get("attachmentName"),
        attachment_mime_type=data.get("attachmentMimeType"), attachment_size=data.get("attachmentSize"),
        attachment_duration=data.get("attachmentDuration"))
    session.add(message)
    chat.updated_at = utcnow()
    session.flush()
    message.chat = chat
    message.sender = session.get(User, sender_id)
    return message


def messages(session, *, caller, chat_id, page, limit):
    """The chat's messages, oldest first (the conversation as it is read)."""
    chat = load_chat(session, chat_id)
    require_participant(chat, caller)
    stmt = (select(ChatMessage).where(ChatMessage.chat_id == chat.id)
            .order_by(ChatMessage.created_at, ChatMessage.id).options(selectinload(ChatMessage.sender)))
    rows = page_of(session, stmt, page=page, limit=limit)
    for row in rows:
        row.chat = chat
    return rows


def participant_chat(session, *, caller, chat_id):
    chat = load_chat(session, chat_id)
    require_participant(chat, caller)
    return chat
