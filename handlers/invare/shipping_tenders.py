"""Shipping tenders: an order's tender, the cheapest offers, a carrier's offer, the buyer's choice."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Money, Uuid
from handlers.invare.schemas import UserRefOut
from models.invare import database, shipping_tenders
from models.invare.callers import Caller


def _ref(attribute):
    return fields.Function(lambda obj: {"id": str(getattr(obj, attribute))} if getattr(obj, attribute) else None)


class TenderOut(Schema):
    id = Uuid()
    orderId = Uuid(attribute="order_id")
    order = _ref("order_id")
    chatId = Uuid(attribute="chat_id")
    chat = _ref("chat_id")
    expiresAt = IsoZ(attribute="expires_at")
    status = fields.String()
    selectedCarrierUserId = Uuid(attribute="selected_carrier_user_id")
    selectedCarrierUser = fields.Nested(UserRefOut, attribute="selected_carrier_user", allow_none=True)
    createdAt = IsoZ(attribute="created_at")


class OfferOut(Schema):
    id = Uuid()
    tenderId = Uuid(attribute="tender_id")
    tender = _ref("tender_id")
    carrierUserId = Uuid(attribute="carrier_user_id")
    carrierUser = fields.Nested(UserRefOut, attribute="carrier_user")
    amount = Money()
    currency = fields.String()
    notes = fields.String(allow_none=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


tender_out = dumper(TenderOut())
offer_out = dumper(OfferOut())


def _write(work):
    with database.unit_of_work() as uow:
        answer = work(uow.session)
        uow.commit()
    return answer


def for_order(orderId, token_info):
    with database.reading() as session:
        return tender_out(shipping_tenders.for_order(session, Caller.of(token_info), orderId)), 200


def top_offers(tenderId, token_info, limit=shipping_tenders.TOP_DEFAULT):
    with database.reading() as session:
        found = shipping_tenders.top_offers(session, Caller.of(token_info), tenderId, limit=limit)
        return offer_out.many(found), 200


def make_offer(tenderId, body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: offer_out(shipping_tenders.make_offer(s, caller, tenderId, body))), 201


def select_offer(tenderId, offerId, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: tender_out(shipping_tenders.select_offer(s, caller, tenderId, offerId))), 200
