"""Shipping tenders: an order's tender, carriers' offers (one per carrier), the cheapest offers, the buyer's
choice (which awards the tender, brings the carrier into the tender's chat and gives them the shipment),
and the whole journey from a bid to the seller's payout over HTTP."""
import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from models.invare import database, tenders
from models.invare.chat import ChatParticipant
from models.invare.notifications import Notification
from models.invare.tenders import ShippingOffer
from tests.invare.comms_support import pushes, topic
from tests.invare.conftest import error, invalid
from tests.invare.ledger import ledger_balanced, unbalanced  # noqa: F401  (checked after every test)
from tests.invare.shipping_support import (balance_of, hauler, listing, make_available, other_hauler,  # noqa: F401
                                           seller, tender_json, tender_of, user_ref)
from tests.invare.trade import later, trade  # noqa: F401

NOWHERE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def offer(client, who, tender, amount, **fields):
    return client.post(f"/shipping-tenders/{tender.id}/offers", headers=who.headers, json={"amount": amount, **fields})


def offered(client, who, tender, amount, **fields):
    response = offer(client, who, tender, amount, **fields)
    assert response.status_code == 201, response.text
    return response.json()


def select_offer(client, who, tender, offer_id):
    return client.post(f"/shipping-tenders/{tender.id}/select/{offer_id}", headers=who.headers)


def offer_json(body, tender, carrier, amount, notes=None):
    return {"id": body["id"], "tenderId": str(tender.id), "tender": {"id": str(tender.id)}, "carrierUserId": carrier.id,
            "carrierUser": user_ref(carrier), "amount": amount, "currency": "SAR", "notes": notes,
            "createdAt": body["createdAt"], "updatedAt": body["updatedAt"]}


@pytest.fixture
def order(trade, member, listing):
    return trade.paid(member, listing)


@pytest.fixture
def tender(order):
    return tender_of(order)


class TestTenderForOrder:
    def test_a_paid_order_has_an_open_tender(self, client, member, seller, admin, hauler, order, tender):
        for who in (member, seller, admin, hauler):
            response = client.get(f"/shipping-tenders/order/{order['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, tender_json(tender, order))
        assert tender.expires_at - tender.created_at == dt.timedelta(hours=12)

    def test_an_unpaid_order_has_none_404(self, client, trade, member, listing):
        pending = trade.order(member, listing)
        response = client.get(f"/shipping-tenders/order/{pending['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Shipping tender not found", "Not Found"))

    def test_someone_else_403(self, client, other_member, order):
        response = client.get(f"/shipping-tenders/order/{order['id']}", headers=other_member.headers)
        assert (response.status_code, response.json()) == (
            403, error(403, "You do not have access to this tender", "Forbidden"))

    def test_carriers_see_it_only_while_open_unless_selected(self, client, hauler, other_hauler, member, order, tender):
        made = offered(client, hauler, tender, "250.00")
        assert select_offer(client, member, tender, made["id"]).status_code == 200
        assert client.get(f"/shipping-tenders/order/{order['id']}", headers=hauler.headers).status_code == 200
        response = client.get(f"/shipping-tenders/order/{order['id']}", headers=other_hauler.headers)
        assert response.status_code == 403

    def test_unknown_order_404(self, client, member):
        response = client.get(f"/shipping-tenders/order/{NOWHERE}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Order not found", "Not Found"))

    def test_without_a_token_401(self, client):
        assert client.get(f"/shipping-tenders/order/{NOWHERE}").status_code == 401


class TestTopOffers:
    @pytest.fixture
    def offers(self, client, make, tender):
        made = []
        for amount in ("300.00", "250.00", "275.00", "250.00"):
            made.append(offered(client, make_available(make.member(make.carrier())), tender, amount))
        return made

    def test_cheapest_first_three_by_default(self, client, member, tender, offers):
        response = client.get(f"/shipping-tenders/{tender.id}/top-offers", headers=member.headers)
        assert response.status_code == 200
        assert [o["id"] for o in response.json()] == [offers[1]["id"], offers[3]["id"], offers[2]["id"]]
        assert response.json()[0] == offers[1]

    @pytest.mark.parametrize("limit, count", [(1, 1), (10, 4), (0, 1), (50, 4), (-3, 1)])
    def test_the_limit_is_bounded_to_1_10(self, client, member, tender, offers, limit, count):
        response = client.get(f"/shipping-tenders/{tender.id}/top-offers?limit={limit}", headers=member.headers)
        assert (response.status_code, len(response.json())) == (200, count)

    def test_a_limit_that_is_not_a_number_is_400(self, client, member, tender):
        response = client.get(f"/shipping-tenders/{tender.id}/top-offers?limit=many", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("limit must be an integer number"))

    def test_someone_else_403(self, client, other_member, tender):
        response = client.get(f"/shipping-tenders/{tender.id}/top-offers", headers=other_member.headers)
        assert (response.status_code, response.json()) == (
            403, error(403, "You do not have access to this tender", "Forbidden"))

    def test_unknown_tender_404(self, client, member):
        response = client.get(f"/shipping-tenders/{NOWHERE}/top-offers", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Shipping tender not found", "Not Found"))


class TestMakeOffer:
    def test_an_available_carrier_offers(self, client, hauler, tender):
        response = offer(client, hauler, tender, "250", notes="Can pickup same day", tenderId=str(tender.id))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == offer_json(body, tender, hauler, "250.00", "Can pickup same day")

    def test_a_second_offer_replaces_the_first(self, client, hauler, tender):
        first = offered(client, hauler, tender, "250.00", notes="first")
        second = offered(client, hauler, tender, "240.00")
        assert second == offer_json(second, tender, hauler, "240.00")
        assert second["id"] == first["id"] and second["createdAt"] == first["createdAt"]
        with database.reading() as session:
            assert session.scalar(select(func.count()).select_from(ShippingOffer).where(
                ShippingOffer.tender_id == tender.id)) == 1

    def test_a_carrier_without_an_available_profile_403(self, client, make, carrier, admin, tender):
        idle = make_available(make.member(make.carrier()), available=False)
        for who in (carrier, idle, admin):
            response = offer(client, who, tender, "250.00")
            assert (response.status_code, response.json()) == (
                403, error(403, "Only available carriers can make offers", "Forbidden"))

    def test_users_403(self, client, member, tender):
        response = offer(client, member, tender, "250.00")
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))

    def test_an_expired_tender_is_400(self, client, hauler, tender):
        assert tenders.expire_due(database, later(13)) == {"expired": 1}
        response = offer(client, hauler, tender, "250.00")
        assert (response.status_code, response.json()) == (400, error(400, "Tender is not open", "Bad Request"))

    def test_a_tender_past_its_expiry_is_400_before_the_job_runs(self, client, hauler, tender):
        with database.unit_of_work() as uow:
            uow.session.get(tenders.ShippingTender, tender.id).expires_at = later(-1)
            uow.commit()
        response = offer(client, hauler, tender, "250.00")
        assert (response.status_code, response.json()) == (400, error(400, "Tender has expired", "Bad Request"))

    def test_a_closed_tender_is_400(self, client, member, hauler, order, tender):
        assert client.post(f"/orders/{order['id']}/cancel", headers=member.headers).status_code == 200
        response = offer(client, hauler, tender, "250.00")
        assert (response.status_code, response.json()) == (400, error(400, "Tender is not open", "Bad Request"))

    @pytest.mark.parametrize("body, status, message", [
        ({"amount": "0"}, 400, "amount must be greater than 0"),
        ({"amount": "2.555"}, 400, None),
        ({"amount": "250.00", "currency": "USD"}, 400, None),
        ({"amount": "250.00", "notes": "x" * 501}, 400, None),
        ({"amount": "250.00", "tenderId": NOWHERE}, 400, "tenderId does not match the tender in the path"),
        ({}, 400, None),
    ])
    def test_bad_input_400(self, client, hauler, tender, body, status, message):
        response = client.post(f"/shipping-tenders/{tender.id}/offers", headers=hauler.headers, json=body)
        assert response.status_code == status
        if message:
            assert response.json() == error(400, message, "Bad Request")

    def test_unknown_tender_404(self, client, hauler):
        response = client.post(f"/shipping-tenders/{NOWHERE}/offers", headers=hauler.headers, json={"amount": "1.00"})
        assert (response.status_code, response.json()) == (404, error(404, "Shipping tender not found", "Not Found"))


class TestSelectOffer:
    def test_the_buyer_selects_and_the_carrier_gets_the_shipment(self, client, member, seller, hauler, other_hauler,
                                                                 order, tender):
        chat = client.post("/chat", headers=member.headers, json={"shippingTenderId": str(tender.id)}).json()
        cheap = offered(client, hauler, tender, "200.00")
        offered(client, other_hauler, tender, "150.00")
        response = select_offer(client, member, tender, cheap["id"])
        assert response.status_code == 200, response.text
        assert response.json() == tender_json(tender, order, status="awarded", selected=hauler, chat_id=chat["id"])
        with database.reading() as session:
            members = set(session.scalars(select(ChatParticipant.user_id).where(ChatParticipant.chat_id == uuid.UUID(chat["id"]))))
        assert hauler.user.id in members
        [shipment] = client.get("/shipments/my-assignments", headers=hauler.headers).json()
        assert (shipment["orderId"], shipment["status"], shipment["carrierUserId"]) == (order["id"], "pending", hauler.id)
        with database.reading() as session:
            told = session.scalars(select(Notification.user_id).where(Notification.type == "shipment_created")).all()
        assert sorted(map(str, told)) == sorted([member.id, seller.id, hauler.id])
        assert [p["data"]["type"] for p in pushes(topic("user", hauler.id))] == ["shipment_created"]

    def test_without_a_chat_the_tender_is_still_awarded(self, client, admin, hauler, order, tender):
        made = offered(client, hauler, tender, "200.00")
        response = select_offer(client, admin, tender, made["id"])
        assert (response.status_code, response.json()) == (
            200, tender_json(tender, order, status="awarded", selected=hauler))

    def test_an_existing_pending_shipment_is_assigned_to_the_carrier(self, client, member, seller, hauler, order,
                                                                     tender):
        created = client.post("/shipments", headers=seller.headers, json={"orderId": order["id"], "carrier": "DHL"})
        assert created.json()["carrierUser"] is None
        made = offered(client, hauler, tender, "200.00")
        assert select_offer(client, member, tender, made["id"]).status_code == 200
        shipment = client.get(f"/shipments/{created.json()['id']}", headers=seller.headers).json()
        assert (shipment["carrierUserId"], shipment["carrier"]) == (hauler.id, "DHL")

    def test_the_seller_or_a_carrier_cannot_403(self, client, seller, hauler, tender):
        made = offered(client, hauler, tender, "200.00")
        for who in (seller, hauler):
            response = select_offer(client, who, tender, made["id"])
            assert (response.status_code, response.json()) == (
                403, error(403, "Only the buyer can select an offer", "Forbidden"))

    def test_twice_is_400(self, client, member, hauler, other_hauler, tender):
        first = offered(client, hauler, tender, "200.00")
        second = offered(client, other_hauler, tender, "150.00")
        assert select_offer(client, member, tender, first["id"]).status_code == 200
        response = select_offer(client, member, tender, second["id"])
        assert (response.status_code, response.json()) == (400, error(400, "Tender is not open", "Bad Request"))

    def test_an_expired_tender_is_400(self, client, member, hauler, tender):
        made = offered(client, hauler, tender, "200.00")
        assert tenders.expire_due(database, later(13)) == {"expired": 1}
        response = select_offer(client, member, tender, made["id"])
        assert (response.status_code, response.json()) == (400, error(400, "Tender is not open", "Bad Request"))

    def test_a_carrier_no_longer_available_is_400(self, client, member, hauler, tender):
        made = offered(client, hauler, tender, "200.00")
        assert client.patch("/carrier-profiles/me", headers=hauler.headers, json={"isAvailable": False}).status_code == 200
        response = select_offer(client, member, tender, made["id"])
        assert (response.status_code, response.json()) == (400, error(400, "Carrier is not available", "Bad Request"))

    def test_an_offer_of_another_tender_is_404(self, client, trade, member, listing, hauler, tender):
        elsewhere = offered(client, hauler, tender_of(trade.paid(member, listing)), "100.00")
        response = select_offer(client, member, tender, elsewhere["id"])
        assert (response.status_code, response.json()) == (404, error(404, "Offer not found", "Not Found"))
        response = client.post(f"/shipping-tenders/{NOWHERE}/select/{elsewhere['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Shipping tender not found", "Not Found"))

    def test_without_a_token_401(self, client, tender):
        assert client.post(f"/shipping-tenders/{tender.id}/select/{NOWHERE}").status_code == 401


def test_the_journey_from_a_bid_to_the_sellers_payout(client, trade, make, member, seller, admin, hauler,
                                                      other_hauler):
    """Bid, order, points checkout, the tender, two carriers' offers, the cheapest, the buyer's choice, the
    administrator's assignment, pickup, delivery by the carrier: the seller is paid less the fee."""
    listing = trade.listing(seller, price="40.00", stock=10, biddable=True)
    bid = client.post("/bids", headers=member.headers, json={"amount": "40.00", "listingId": str(listing.id)})
    assert bid.status_code == 201, bid.text
    trade.credit(member, "100")
    order = trade.order(member, listing, 2)
    paid = client.post(f"/orders/{order['id']}/checkout/points", headers=member.headers)
    assert paid.json()["status"] == "paid"
    assert balance_of(member) == ("20.00", "80.00")

    tender = client.get(f"/shipping-tenders/order/{order['id']}", headers=member.headers).json()
    assert tender["status"] == "open"
    offers = client.get(f"/shipping-tenders/{tender['id']}/top-offers", headers=hauler.headers)
    assert offers.json() == []
    for who, amount in ((hauler, "120.00"), (other_hauler, "135.50"), (hauler, "110.00")):
        response = client.post(f"/shipping-tenders/{tender['id']}/offers", headers=who.headers, json={"amount": amount})
        assert response.status_code == 201, response.text
    top = client.get(f"/shipping-tenders/{tender['id']}/top-offers?limit=10", headers=member.headers).json()
    assert [(o["carrierUserId"], o["amount"]) for o in top] == [(hauler.id, "110.00"), (other_hauler.id, "135.50")]

    awarded = client.post(f"/shipping-tenders/{tender['id']}/select/{top[0]['id']}", headers=member.headers)
    assert (awarded.json()["status"], awarded.json()["selectedCarrierUser"]["id"]) == ("awarded", hauler.id)
    [shipment] = client.get(f"/shipments/order/{order['id']}", headers=seller.headers).json()
    assigned = client.post("/shipments/assign", headers=admin.headers,
                           json={"shipmentId": shipment["id"], "carrierUserId": hauler.id})
    assert assigned.json()["carrierUser"]["id"] == hauler.id

    stranger = client.post(f"/shipments/{shipment['id']}/confirm-pickup", headers=other_hauler.headers)
    assert stranger.status_code == 403
    picked = client.post(f"/shipments/{shipment['id']}/confirm-pickup", headers=hauler.headers)
    assert picked.json()["status"] == "in_transit"
    assert client.get(f"/orders/{order['id']}", headers=member.headers).json()["status"] == "shipped"
    stranger = client.post(f"/shipments/{shipment['id']}/confirm-delivery", headers=other_hauler.headers)
    assert stranger.status_code == 403
    delivered = client.post(f"/shipments/{shipment['id']}/confirm-delivery", headers=hauler.headers)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["order"] == {"id": order["id"], "status": "completed", "orderStatus": "completed"}

    assert balance_of(member) == ("20.00", "0.00")
    assert balance_of(seller) == ("78.00", "0.00")  # 80.00 less the seller's 2.5% (2.00)
    assert client.get(f"/orders/{order['id']}", headers=seller.headers).json()["escrow"]["status"] == "released"
    kinds = [n["type"] for n in client.get("/notifications?limit=100", headers=seller.headers).json()]
    assert {"order_paid", "shipment_created", "shipment_updated", "order_status_changed"} <= set(kinds)
    assert unbalanced() == []
