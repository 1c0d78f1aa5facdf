"""Shipments: creating, assigning a carrier, the carrier's pickup and delivery confirmations (delivery
completes the order and releases its escrow), reading, changing and deleting."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Uuid
from handlers.invare.schemas import UserRefOut
from models.invare import database, shipments
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


class ShipmentOut(Schema):
    id = Uuid()
    orderId = Uuid(attribute="order_id")
    order = fields.Function(lambda shipment: {"id": str(shipment.order_id)})
    carrierUserId = Uuid(attribute="carrier_user_id")
    carrierUser = fields.Nested(UserRefOut, attribute="carrier_user", allow_none=True)
    carrier = fields.String(allow_none=True)
    trackingNumber = fields.String(attribute="tracking_number", allow_none=True)
    status = fields.String()
    shippedAt = IsoZ(attribute="shipped_at", allow_none=True)
    pickedUpAt = IsoZ(attribute="picked_up_at", allow_none=True)
    deliveredAt = IsoZ(attribute="delivered_at", allow_none=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


shipment_out = dumper(ShipmentOut())


def _write(work):
    with database.unit_of_work() as uow:
        answer = work(uow.session)
        uow.commit()
    return answer


def create_shipment(body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: shipment_out(shipments.create(s, caller, body))), 201


def assign_carrier(body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: shipment_out(shipments.assign(s, caller, body["shipmentId"], body["carrierUserId"]))), 200


def for_order(orderId, token_info):
    with database.reading() as session:
        return shipment_out.many(shipments.for_order(session, Caller.of(token_info), orderId)), 200


def my_assignments(token_info, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = shipments.of_carrier(session, Caller.of(token_info).id, page=page, limit=limit)
        return shipment_out.many(found), 200


def of_carrier(carrierUserId, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return shipment_out.many(shipments.of_carrier(session, carrierUserId, page=page, limit=limit)), 200


def get_shipment(id, token_info):
    with database.reading() as session:
        return shipment_out(shipments.view(session, Caller.of(token_info), id)), 200


def confirm_pickup(id, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: shipment_out(shipments.confirm_pickup(s, caller, id))), 200


def confirm_delivery(id, token_info):
    caller = Caller.of(token_info)

    def work(session):
        shipment, order = shipments.confirm_delivery(session, caller, id)
        return {"shipment": shipment_out(shipment),
                "order": {"id": str(order.id), "status": order.status, "orderStatus": order.status}}
    return _write(work), 200


def update_shipment(id, body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: shipment_out(shipments.update(s, caller, id, body))), 200


def delete_shipment(id, token_info):
    caller = Caller.of(token_info)
    _write(lambda s: shipments.delete(s, caller, id))
    return {"success": True, "messageKey": "messages.shipment_deleted"}, 200
