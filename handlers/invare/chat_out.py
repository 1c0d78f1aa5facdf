"""Chat shapes: ``Chat`` (participants, creator, listing, order and tender when linked) and
``ChatMessage`` (with its sender and a summary of its chat), and the ``chat_message`` /
``chat_created`` pushes built from them."""
import json

from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Money, Uuid
from handlers.invare.schemas import UserRefOut


class ChatListingOut(Schema):
    id = Uuid()
    title = fields.String()
    status = fields.String()
    sellerUserId = Uuid(attribute="seller_user_id")
    sellerUser = fields.Nested(UserRefOut, attribute="seller_user", allow_none=True)  # the client finds the seller here
    sellerCompanyId = Uuid(attribute="seller_company_id")


class ChatOrderItemOut(Schema):
    id = Uuid()
    listingId = Uuid(attribute="listing_id")
    quantity = fields.Integer()
    unitPrice = Money(attribute="unit_price")
    listing = fields.Function(lambda item: None if item.listing is None else {"id": str(item.listing.id),
                                                                             "title": item.listing.title})


class ChatOrderOut(Schema):
    """The chat's order as the reference nests it: its id and items (with their listings), and its status."""
    id = Uuid()
    orderStatus = fields.Function(lambda order: order.status)
    status = fields.String()
    items = fields.Nested(ChatOrderItemOut, many=True)


class TenderOfferOut(Schema):
    """An offer on the chat's tender: amount and the carrier who made it."""
    id = Uuid()
    amount = Money()
    currency = fields.String()
    notes = fields.String(allow_none=True)
    carrierUser = fields.Nested(UserRefOut(only=("id", "firstName", "lastName")), attribute="carrier_user")


class ChatTenderOut(Schema):
    """The chat's shipping tender as the reference nests it."""
    id = Uuid()
    status = fields.String()
    expiresAt = IsoZ(attribute="expires_at")
    order = fields.Function(lambda tender: {"id": str(tender.order_id)})
    chat = fields.Function(lambda tender: None if tender.chat_id is None else {"id": str(tender.chat_id)})
    selectedCarrierUserId = Uuid(attribute="selected_carrier_user_id")
    selectedCarrierUser = fields.Function(lambda tender: None if tender.selected_carrier_user_id is None
                                          else {"id": str(tender.selected_carrier_user_id)})
    offers = fields.Nested(TenderOfferOut, many=True)


class ParticipantOut(Schema):
    user = fields.Nested(UserRefOut)


class ChatOut(Schema):
    id = Uuid()
    topic = fields.String(allow_none=True)
    status = fields.String()
    createdByUserId = Uuid(attribute="created_by_id")
    createdBy = fields.Nested(UserRefOut, attribute="created_by")
    listingId = Uuid(attribute="listing_id")
    listing = fields.Nested(ChatListingOut, allow_none=True)
    orderId = Uuid(attribute="order_id")
    order = fields.Nested(ChatOrderOut, allow_none=True)
    shippingTenderId = Uuid(attribute="shipping_tender_id")
    shippingTender = fields.Nested(ChatTenderOut, attribute="shipping_tender", allow_none=True)
    participants = fields.Nested(ParticipantOut, many=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class SenderOut(Schema):
    id = Uuid()
    firstName = fields.String(attribute="first_name", allow_none=True)
    lastName = fields.String(attribute="last_name", allow_none=True)
    email = fields.String()


class MessageChatOut(Schema):
    id = Uuid()
    status = fields.String()
    createdBy = fields.Nested(UserRefOut, attribute="created_by")
    shippingTender = fields.Nested(ChatTenderOut, attribute="shipping_tender", allow_none=True)


class MessageOut(Schema):
    id = Uuid()
    chatId = Uuid(attribute="chat_id")
    type = fields.String()
    content = fields.String(allow_none=True)
    attachmentUrl = fields.String(attribute="attachment_url", allow_none=True)
    attachmentName = fields.String(attribute="attachment_name", allow_none=True)
    attachmentMimeType = fields.String(attribute="attachment_mime_type", allow_none=True)
    attachmentSize = fields.Integer(attribute="attachment_size", allow_none=True)
    attachmentDuration = fields.Integer(attribute="attachment_duration", allow_none=True)
    senderUserId = Uuid(attribute="sender_id")
    sender = fields.Nested(SenderOut)
    chat = fields.Nested(MessageChatOut)
    createdAt = IsoZ(attribute="created_at")


chat_out = dumper(ChatOut())
message_out = dumper(MessageOut())
PUSHED_MESSAGE_FIELDS = ("id", "type", "content", "attachmentUrl", "attachmentName", "attachmentMimeType",
                         "attachmentSize", "attachmentDuration", "createdAt", "sender")


def message_push(message):
    """The ``chat_message`` push: the sender's name as title, the text (or the attachment) as body."""
    sender = message["sender"]
    name = " ".join(part for part in (sender.get("firstName"), sender.get("lastName")) if part) or sender["email"]
    body = message.get("content") or message.get("attachmentName") or message["type"]
    entity = {key: message.get(key) for key in PUSHED_MESSAGE_FIELDS}
    return {"title": name, "body": body,
            "data": {"type": "chat_message", "chatId": message["chatId"], "message": json.dumps(entity)}}


def chat_created_push(chat):
    return {"title": "New chat", "body": chat.get("topic") or "",
            "data": {"type": "chat_created", "chatId": chat["id"], "chat": json.dumps(chat)}}
