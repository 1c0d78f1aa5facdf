"""The caller's notifications: newest first, marked read one by one or all, and the device
subscription to the caller's push topic ``user_<id>``."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Uuid
from integrations.push import user_topic
from models.invare import database, inbox
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT
from server.products.invare import push_gateway


class NotificationOut(Schema):
    id = Uuid()
    title = fields.String()
    message = fields.String()
    type = fields.String()
    read = fields.Boolean()
    readAt = IsoZ(attribute="read_at", allow_none=True)
    order = fields.Method("_order")
    data = fields.Dict()
    createdAt = IsoZ(attribute="created_at")

    def _order(self, row):
        order_id = (row.data or {}).get("orderId")
        return {"id": order_id} if isinstance(order_id, str) else None


class ReadOut(Schema):
    id = Uuid()
    read = fields.Boolean()
    readAt = IsoZ(attribute="read_at", allow_none=True)


notification_out = dumper(NotificationOut())
read_out = dumper(ReadOut())


def list_notifications(token_info, page=1, limit=DEFAULT_LIMIT, read=None):
    with database.reading() as session:
        rows = inbox.list_notifications(session, caller=Caller.of(token_info), page=page, limit=limit, read=read)
        return notification_out.many(rows), 200


def mark_read(id, token_info):
    with database.unit_of_work() as uow:
        answer = read_out(inbox.mark_read(uow.session, caller=Caller.of(token_info), notification_id=id))
        uow.commit()
    return answer, 200


def mark_all_read(token_info):
    with database.unit_of_work() as uow:
        count = inbox.mark_all_read(uow.session, caller=Caller.of(token_info))
        uow.commit()
    return {"success": True, "updated": count}, 200


def subscribe(body, token_info):
    push_gateway().subscribe(body["deviceToken"], user_topic(token_info["sub"]))
    return {"success": True}, 200
