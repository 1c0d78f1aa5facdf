"""A notification as the list shows it and the realtime ``notification`` event carries it
(``Notification`` in the spec)."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper


class NotificationOut(Schema):
    _id = fields.String(attribute="id")
    userId = fields.String(attribute="user_id")
    fromUserId = fields.String(attribute="from_user_id", allow_none=True)
    fromUserIds = fields.List(fields.String(), attribute="from_user_ids")
    type = fields.String()
    title = fields.String()
    message = fields.String()
    read = fields.Boolean()
    isRead = fields.Function(lambda note: bool(note.read))
    postId = fields.String(attribute="post_id", allow_none=True)
    productId = fields.String(attribute="product_id", allow_none=True)
    commentId = fields.String(attribute="comment_id", allow_none=True)
    orderId = fields.String(attribute="order_id", allow_none=True)
    avatar = fields.String(allow_none=True)
    actionUrl = fields.String(attribute="action_url", allow_none=True)
    imageUrl = fields.String(attribute="image_url", allow_none=True)
    data = fields.Dict(allow_none=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


notification_out = dumper(NotificationOut())
