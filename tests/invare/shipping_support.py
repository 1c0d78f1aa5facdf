"""Helpers for the shipment and tender tests: available carriers, a paid order's tender, a shipment made
over HTTP, the shapes the operations answer with."""
import uuid

import pytest

from handlers.fields import iso_z
from models.base import as_utc
from models.invare import carriers, database
from models.invare.callers import Caller
from models.invare.shipments import Shipment
from models.invare.tenders import ShippingTender
from models.invare.users import get_user


def make_available(member, *, available=True):
    """A carrier profile for ``member`` (who must be a carrier)."""
    with database.unit_of_work() as uow:
        caller = Caller(id=member.user.id, email=member.user.email, is_carrier=True)
        carriers.create_profile(uow.session, caller, {"isAvailable": available, "vehicleType": "truck"})
        uow.commit()
    return member


def tender_of(order):
    with database.reading() as session:
        return session.query(ShippingTender).filter_by(order_id=uuid.UUID(order["id"])).one()


def shipment_row(shipment_id):
    with database.reading() as session:
        return session.get(Shipment, uuid.UUID(str(shipment_id)))


def user_ref(member):
    user = member.user
    return {"id": member.id, "email": user.email, "firstName": user.first_name, "lastName": user.last_name}


def shipment_json(body, order, *, carrier=None, status="pending", carrier_name=None, tracking=None, **times):
    """The documented ``Shipment`` for what the test expects; ids and times taken from ``body``."""
    return {"id": body["id"], "orderId": order["id"], "order": {"id": order["id"]},
            "carrierUserId": carrier.id if carrier else None, "carrierUser": user_ref(carrier) if carrier else None,
            "carrier": carrier_name, "trackingNumber": tracking, "status": status,
            "shippedAt": times.get("shippedAt"), "pickedUpAt": times.get("pickedUpAt"),
            "deliveredAt": times.get("deliveredAt"), "createdAt": body["createdAt"], "updatedAt": body["updatedAt"]}


def tender_json(tender, order, *, status="open", selected=None, chat_id=None):
    return {"id": str(tender.id), "orderId": order["id"], "order": {"id": order["id"]},
            "chatId": str(chat_id) if chat_id else None, "chat": {"id": str(chat_id)} if chat_id else None,
            "expiresAt": iso_z(as_utc(tender.expires_at)),
            "status": status, "selectedCarrierUserId": selected.id if selected else None,
            "selectedCarrierUser": user_ref(selected) if selected else None, "createdAt": iso_z(as_utc(tender.created_at))}


def balance_of(member):
    with database.reading() as session:
        user = get_user(session, member.user.id)
        return str(user.points_balance), str(user.frozen_points)


@pytest.fixture
def seller(make):
    return make.member(firstName="Sam", lastName="Seller")


@pytest.fixture
def listing(trade, seller):
    return trade.listing(seller, price="40.00", stock=100)


@pytest.fixture
def hauler(make, carrier):
    """``carrier`` with an available carrier profile."""
    return make_available(carrier)


@pytest.fixture
def other_hauler(make):
    return make_available(make.member(make.user(is_carrier=True, firstName="Rita", lastName="Road")))
