"""Shipments: creating, assigning, reading, the carrier's pickup and delivery confirmations (delivery
completes the order and releases its escrow), changing and deleting."""
import uuid

import pytest
from sqlalchemy import select

from models.invare import database, escrow, orders
from models.invare.notifications import Notification
from tests.invare.conftest import error, invalid
from tests.invare.ledger import ledger_balanced  # noqa: F401  (checked after every test)
from tests.invare.shipping_support import (balance_of, hauler, listing, make_available, other_hauler,  # noqa: F401
                                           seller, shipment_json, shipment_row)
from tests.invare.trade import trade  # noqa: F401

NOWHERE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def create(client, who, order, **fields):
    return client.post("/shipments", headers=who.headers, json={"orderId": order["id"], **fields})


def shipped(client, seller, order, **fields):
    response = create(client, seller, order, **fields)
    assert response.status_code == 201, response.text
    return response.json()


def assigned(client, admin, shipment, carrier):
    response = client.post("/shipments/assign", headers=admin.headers,
                           json={"shipmentId": shipment["id"], "carrierUserId": carrier.id})
    assert response.status_code == 200, response.text
    return response.json()


def notifications(user_id, type):
    with database.reading() as session:
        return list(session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                               Notification.type == type)))


def order_status(order):
    with database.reading() as session:
        return orders.load(session, order["id"]).status


@pytest.fixture
def order(trade, member, listing):
    return trade.paid(member, listing)


@pytest.fixture
def shipment(client, seller, order):
    return shipped(client, seller, order, carrier="DHL", trackingNumber="TRACK123")


@pytest.fixture
def carried(client, admin, shipment, hauler):
    return assigned(client, admin, shipment, hauler)


@pytest.fixture
def picked_up(client, carried, hauler):
    response = client.post(f"/shipments/{carried['id']}/confirm-pickup", headers=hauler.headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestCreateShipment:
    def test_the_seller_creates_it_for_a_paid_order(self, client, member, seller, order):
        response = create(client, seller, order, carrier="DHL", trackingNumber="TRACK123")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == shipment_json(body, order, carrier_name="DHL", tracking="TRACK123")
        assert order_status(order) == "paid"
        for who in (member, seller):
            [note] = notifications(who.user.id, "shipment_created")
            assert (note.title, note.data) == ("Shipment created", {"orderId": order["id"], "shipmentId": body["id"]})

    def test_an_administrator_creates_it_in_transit_with_a_carrier(self, client, admin, order, hauler):
        response = create(client, admin, order, carrierUserId=hauler.id, status="in_transit",
                          shippedAt="2025-01-01T10:00:00Z")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == shipment_json(body, order, carrier=hauler, status="in_transit",
                                     shippedAt="2025-01-01T10:00:00.000Z")
        assert order_status(order) == "shipped"
        assert len(notifications(hauler.user.id, "shipment_created")) == 1

    def test_a_second_shipment_for_the_order_is_409(self, client, seller, order, shipment):
        response = create(client, seller, order)
        assert (response.status_code, response.json()) == (409, error(409, "Order already has a shipment", "Conflict"))

    def test_the_buyer_cannot_403(self, client, member, order):
        response = create(client, member, order)
        assert (response.status_code, response.json()) == (
            403, error(403, "Only the seller or an administrator can create a shipment", "Forbidden"))

    def test_an_unpaid_order_is_400(self, client, trade, member, seller, listing):
        pending = trade.order(member, listing)
        response = create(client, seller, pending)
        assert (response.status_code, response.json()) == (400, error(400, "Only paid orders can be shipped", "Bad Request"))

    def test_a_carrier_user_must_be_a_carrier_403(self, client, admin, other_member, order):
        response = create(client, admin, order, carrierUserId=other_member.id)
        assert (response.status_code, response.json()) == (403, error(403, "User is not a carrier", "Forbidden"))

    def test_a_carrier_without_an_available_profile_is_400(self, client, make, admin, order, carrier):
        response = create(client, admin, order, carrierUserId=carrier.id)
        assert (response.status_code, response.json()) == (400, error(400, "Carrier is not available", "Bad Request"))
        idle = make_available(make.member(make.carrier()), available=False)
        assert create(client, admin, order, carrierUserId=idle.id).status_code == 400

    def test_the_seller_cannot_choose_a_carrier_403(self, client, seller, order, hauler):
        response = create(client, seller, order, carrierUserId=hauler.id)
        assert (response.status_code, response.json()) == (403, error(
            403, "Only administrators can assign a carrier other than the tender's selected carrier", "Forbidden"))

    def test_an_unknown_order_is_404(self, client, admin):
        response = create(client, admin, {"id": NOWHERE})
        assert (response.status_code, response.json()) == (404, error(404, "Order not found", "Not Found"))

    @pytest.mark.parametrize("fields, message", [
        ({"status": "delivered"}, "status must be one of the following values: pending, in_transit"),
        ({"foo": 1}, "property foo should not exist"),
        ({"shippedAt": "yesterday"}, "shippedAt must be a valid ISO 8601 date string"),
    ])
    def test_bad_input_is_400(self, client, seller, order, fields, message):
        response = create(client, seller, order, **fields)
        assert (response.status_code, response.json()) == (400, invalid(message))

    def test_without_a_token_401(self, client, order):
        assert client.post("/shipments", json={"orderId": order["id"]}).status_code == 401


class TestAssignCarrier:
    def test_an_administrator_assigns_an_available_carrier(self, client, admin, member, order, shipment, hauler):
        body = assigned(client, admin, shipment, hauler)
        assert body == shipment_json(body, order, carrier=hauler, carrier_name="DHL", tracking="TRACK123")
        for who in (member, hauler):
            assert [n.title for n in notifications(who.user.id, "shipment_updated")] == ["Carrier assigned"]

    def test_not_an_administrator_403(self, client, hauler, shipment):
        response = client.post("/shipments/assign", headers=hauler.headers,
                               json={"shipmentId": shipment["id"], "carrierUserId": hauler.id})
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))

    def test_the_user_must_be_a_carrier_403(self, client, admin, other_member, shipment):
        response = client.post("/shipments/assign", headers=admin.headers,
                               json={"shipmentId": shipment["id"], "carrierUserId": other_member.id})
        assert (response.status_code, response.json()) == (403, error(403, "User is not a carrier", "Forbidden"))

    def test_an_unavailable_carrier_is_400(self, client, admin, carrier, shipment):
        response = client.post("/shipments/assign", headers=admin.headers,
                               json={"shipmentId": shipment["id"], "carrierUserId": carrier.id})
        assert (response.status_code, response.json()) == (400, error(400, "Carrier is not available", "Bad Request"))

    def test_a_delivered_shipment_is_400(self, client, admin, picked_up, hauler, other_hauler):
        assert client.post(f"/shipments/{picked_up['id']}/confirm-delivery", headers=hauler.headers).status_code == 200
        response = client.post("/shipments/assign", headers=admin.headers,
                               json={"shipmentId": picked_up["id"], "carrierUserId": other_hauler.id})
        assert (response.status_code, response.json()) == (
            400, error(400, "Cannot assign a carrier to a shipment that is delivered", "Bad Request"))

    def test_unknown_shipment_or_user_404(self, client, admin, hauler, shipment):
        response = client.post("/shipments/assign", headers=admin.headers,
                               json={"shipmentId": NOWHERE, "carrierUserId": hauler.id})
        assert (response.status_code, response.json()) == (404, error(404, "Shipment not found", "Not Found"))
        response = client.post("/shipments/assign", headers=admin.headers,
                               json={"shipmentId": shipment["id"], "carrierUserId": NOWHERE})
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))

    def test_bad_input_is_400(self, client, admin):
        response = client.post("/shipments/assign", headers=admin.headers, json={"shipmentId": NOWHERE})
        assert (response.status_code, response.json()) == (400, invalid("carrierUserId should not be empty"))


class TestShipmentsForOrder:
    def test_both_sides_administrators_and_the_assigned_carrier_see_it(self, client, member, seller, admin, hauler,
                                                                       order, carried):
        for who in (member, seller, admin, hauler):
            response = client.get(f"/shipments/order/{order['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, [carried])

    def test_an_order_without_a_shipment_has_none(self, client, member, order):
        assert client.get(f"/shipments/order/{order['id']}", headers=member.headers).json() == []

    def test_someone_else_403(self, client, other_member, other_hauler, order, carried):
        for who in (other_member, other_hauler):
            response = client.get(f"/shipments/order/{order['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (
                403, error(403, "You do not have access to this order", "Forbidden"))

    def test_unknown_order_404(self, client, member):
        response = client.get(f"/shipments/order/{NOWHERE}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Order not found", "Not Found"))

    def test_without_a_token_401(self, client):
        assert client.get(f"/shipments/order/{NOWHERE}").status_code == 401


class TestMyAssignments:
    def test_a_carrier_sees_the_shipments_assigned_to_them(self, client, hauler, other_hauler, carried):
        assert client.get("/shipments/my-assignments", headers=hauler.headers).json() == [carried]
        assert client.get("/shipments/my-assignments", headers=other_hauler.headers).json() == []

    def test_administrators_see_their_own_assignments(self, client, admin, carried):
        assert client.get("/shipments/my-assignments", headers=admin.headers).json() == []

    def test_not_a_carrier_403(self, client, member):
        response = client.get("/shipments/my-assignments", headers=member.headers)
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))

    def test_without_a_token_401(self, client):
        assert client.get("/shipments/my-assignments").status_code == 401


class TestShipmentsOfCarrier:
    def test_administrators_see_a_carriers_shipments(self, client, admin, hauler, other_hauler, carried):
        assert client.get(f"/shipments/carrier/{hauler.id}", headers=admin.headers).json() == [carried]
        assert client.get(f"/shipments/carrier/{other_hauler.id}?page=1&limit=5", headers=admin.headers).json() == []

    def test_a_carrier_403(self, client, hauler):
        response = client.get(f"/shipments/carrier/{hauler.id}", headers=hauler.headers)
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))

    def test_bad_id_400(self, client, admin):
        assert client.get("/shipments/carrier/nope", headers=admin.headers).status_code == 400


class TestGetShipment:
    def test_both_sides_administrators_and_the_assigned_carrier_see_it(self, client, member, seller, admin, hauler,
                                                                       carried):
        for who in (member, seller, admin, hauler):
            response = client.get(f"/shipments/{carried['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, carried)

    def test_someone_else_403(self, client, other_member, other_hauler, carried):
        for who in (other_member, other_hauler):
            response = client.get(f"/shipments/{carried['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (
                403, error(403, "You do not have access to this shipment", "Forbidden"))

    def test_unknown_404(self, client, admin):
        response = client.get(f"/shipments/{NOWHERE}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Shipment not found", "Not Found"))

    def test_without_a_token_401(self, client):
        assert client.get(f"/shipments/{NOWHERE}").status_code == 401


class TestConfirmPickup:
    def test_the_assigned_carrier_picks_it_up(self, client, member, hauler, order, carried):
        response = client.post(f"/shipments/{carried['id']}/confirm-pickup", headers=hauler.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["pickedUpAt"] is not None and body["shippedAt"] == body["pickedUpAt"]
        assert body == shipment_json(body, order, carrier=hauler, status="in_transit", carrier_name="DHL",
                                     tracking="TRACK123", shippedAt=body["shippedAt"], pickedUpAt=body["pickedUpAt"])
        assert order_status(order) == "shipped"
        assert [n.title for n in notifications(member.user.id, "shipment_updated")] == [
            "Carrier assigned", "Shipment updated"]

    def test_another_carrier_403(self, client, other_hauler, carried):
        response = client.post(f"/shipments/{carried['id']}/confirm-pickup", headers=other_hauler.headers)
        assert (response.status_code, response.json()) == (
            403, error(403, "You are not the assigned carrier for this shipment", "Forbidden"))
        assert shipment_row(carried["id"]).status == "pending"

    def test_no_assigned_carrier_400(self, client, hauler, admin, shipment):
        for who in (hauler, admin):
            response = client.post(f"/shipments/{shipment['id']}/confirm-pickup", headers=who.headers)
            assert (response.status_code, response.json()) == (
                400, error(400, "Shipment has no assigned carrier", "Bad Request"))

    def test_twice_is_400(self, client, hauler, picked_up):
        response = client.post(f"/shipments/{picked_up['id']}/confirm-pickup", headers=hauler.headers)
        assert (response.status_code, response.json()) == (
            400, error(400, "Cannot change shipment status from in_transit to in_transit", "Bad Request"))

    def test_not_a_carrier_403(self, client, member, carried):
        response = client.post(f"/shipments/{carried['id']}/confirm-pickup", headers=member.headers)
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))

    def test_unknown_404(self, client, hauler):
        response = client.post(f"/shipments/{NOWHERE}/confirm-pickup", headers=hauler.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Shipment not found", "Not Found"))


class TestConfirmDelivery:
    def test_the_assigned_carrier_delivers_and_the_escrow_is_released(self, client, member, seller, hauler, order,
                                                                      picked_up):
        assert balance_of(member) == ("960.00", "40.00")
        response = client.post(f"/shipments/{picked_up['id']}/confirm-delivery", headers=hauler.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        shipment = body["shipment"]
        assert shipment == shipment_json(shipment, order, carrier=hauler, status="delivered", carrier_name="DHL",
                                         tracking="TRACK123", shippedAt=picked_up["shippedAt"],
                                         pickedUpAt=picked_up["pickedUpAt"], deliveredAt=shipment["deliveredAt"])
        assert shipment["deliveredAt"] is not None
        assert body["order"] == {"id": order["id"], "status": "completed", "orderStatus": "completed"}
        assert balance_of(member) == ("960.00", "0.00")
        assert balance_of(seller) == ("39.00", "0.00")  # 40.00 less the seller's 2.5% fee
        with database.reading() as session:
            assert session.scalars(select(escrow.Escrow).where(
                escrow.Escrow.order_id == uuid.UUID(order["id"]))).one().status == "released"
            fees = session.scalars(select(escrow.OrderFee).where(escrow.OrderFee.order_id == uuid.UUID(order["id"])))
            assert sorted((f.side, str(f.amount_points)) for f in fees) == [("buyer", "0.00"), ("seller", "1.00")]
        assert [n.title for n in notifications(seller.user.id, "order_status_changed")] == ["Order completed"]

    def test_another_carrier_403(self, client, member, other_hauler, picked_up):
        response = client.post(f"/shipments/{picked_up['id']}/confirm-delivery", headers=other_hauler.headers)
        assert (response.status_code, response.json()) == (
            403, error(403, "You are not the assigned carrier for this shipment", "Forbidden"))
        assert balance_of(member) == ("960.00", "40.00")

    def test_no_assigned_carrier_400(self, client, hauler, shipment):
        response = client.post(f"/shipments/{shipment['id']}/confirm-delivery", headers=hauler.headers)
        assert (response.status_code, response.json()) == (
            400, error(400, "Shipment has no assigned carrier", "Bad Request"))

    def test_before_pickup_400(self, client, hauler, carried):
        response = client.post(f"/shipments/{carried['id']}/confirm-delivery", headers=hauler.headers)
        assert (response.status_code, response.json()) == (
            400, error(400, "Cannot change shipment status from pending to delivered", "Bad Request"))

    def test_twice_is_400_and_pays_once(self, client, seller, hauler, picked_up):
        assert client.post(f"/shipments/{picked_up['id']}/confirm-delivery", headers=hauler.headers).status_code == 200
        response = client.post(f"/shipments/{picked_up['id']}/confirm-delivery", headers=hauler.headers)
        assert (response.status_code, response.json()) == (
            400, error(400, "Cannot change shipment status from delivered to delivered", "Bad Request"))
        assert balance_of(seller) == ("39.00", "0.00")

    def test_an_order_paid_otherwise_completes_without_escrow(self, client, trade, admin, member, seller, listing,
                                                              hauler):
        order = trade.order(member, listing)
        assert client.patch(f"/orders/{order['id']}/status/paid", headers=admin.headers).status_code == 200
        shipment = shipped(client, admin, order, carrierUserId=hauler.id, status="in_transit")
        response = client.post(f"/shipments/{shipment['id']}/confirm-delivery", headers=hauler.headers)
        assert response.status_code == 200, response.text
        assert response.json()["order"]["orderStatus"] == "completed"
        assert balance_of(seller) == ("0.00", "0.00")

    def test_an_administrator_confirms_for_the_carrier(self, client, admin, picked_up):
        response = client.post(f"/shipments/{picked_up['id']}/confirm-delivery", headers=admin.headers)
        assert response.status_code == 200 and response.json()["shipment"]["status"] == "delivered"

    def test_not_a_carrier_403(self, client, member, picked_up):
        response = client.post(f"/shipments/{picked_up['id']}/confirm-delivery", headers=member.headers)
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))


class TestUpdateShipment:
    def test_the_assigned_carrier_changes_the_tracking(self, client, hauler, order, carried):
        response = client.patch(f"/shipments/{carried['id']}", headers=hauler.headers,
                                json={"trackingNumber": "TRACK999", "carrier": None})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body == shipment_json(body, order, carrier=hauler, tracking="TRACK999")

    def test_delivered_through_patch_completes_the_order(self, client, seller, hauler, order, picked_up):
        response = client.patch(f"/shipments/{picked_up['id']}", headers=hauler.headers,
                                json={"status": "delivered", "deliveredAt": "2025-01-05T14:30:00Z"})
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["deliveredAt"]) == ("delivered", "2025-01-05T14:30:00.000Z")
        assert order_status(order) == "completed"
        assert balance_of(seller) == ("39.00", "0.00")

    def test_cancelled(self, client, admin, carried):
        response = client.patch(f"/shipments/{carried['id']}", headers=admin.headers, json={"status": "cancelled"})
        assert (response.status_code, response.json()["status"]) == (200, "cancelled")

    def test_a_move_that_is_not_allowed_is_400(self, client, hauler, carried):
        response = client.patch(f"/shipments/{carried['id']}", headers=hauler.headers, json={"status": "delivered"})
        assert (response.status_code, response.json()) == (
            400, error(400, "Cannot change shipment status from pending to delivered", "Bad Request"))
        response = client.patch(f"/shipments/{carried['id']}", headers=hauler.headers,
                                json={"deliveredAt": "2025-01-05T14:30:00Z"})
        assert (response.status_code, response.json()) == (
            400, error(400, "deliveredAt is set by delivering the shipment", "Bad Request"))

    def test_another_carrier_403(self, client, other_hauler, carried):
        response = client.patch(f"/shipments/{carried['id']}", headers=other_hauler.headers, json={"carrier": "UPS"})
        assert (response.status_code, response.json()) == (
            403, error(403, "You are not the assigned carrier for this shipment", "Forbidden"))

    def test_a_shipment_without_a_carrier_400_for_carriers(self, client, hauler, shipment):
        response = client.patch(f"/shipments/{shipment['id']}", headers=hauler.headers, json={"carrier": "UPS"})
        assert (response.status_code, response.json()) == (
            400, error(400, "Shipment has no assigned carrier", "Bad Request"))

    def test_users_cannot_403(self, client, seller, carried):
        response = client.patch(f"/shipments/{carried['id']}", headers=seller.headers, json={"carrier": "UPS"})
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))

    def test_bad_input_400(self, client, admin, carried):
        response = client.patch(f"/shipments/{carried['id']}", headers=admin.headers, json={"status": "lost"})
        assert (response.status_code, response.json()) == (400, invalid(
            "status must be one of the following values: pending, in_transit, delivered, cancelled"))


class TestDeleteShipment:
    def test_administrators_delete_it(self, client, admin, member, order, shipment):
        response = client.delete(f"/shipments/{shipment['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.shipment_deleted"})
        assert client.get(f"/shipments/order/{order['id']}", headers=member.headers).json() == []
        assert order_status(order) == "paid"

    def test_not_an_administrator_403(self, client, hauler, carried):
        response = client.delete(f"/shipments/{carried['id']}", headers=hauler.headers)
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))

    def test_unknown_404(self, client, admin):
        response = client.delete(f"/shipments/{NOWHERE}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Shipment not found", "Not Found"))
