"""Orders: placing, reading, status moves, points checkout and escrow, ship, confirm, cancel, delete,
and the escrow-expiry job."""
import datetime as dt
import uuid

import pytest

from models.invare import database, escrow, orders, tenders
from tests.invare.conftest import error, invalid
from tests.invare.ledger import ledger_balanced  # noqa: F401  (checked after every test)
from tests.invare.trade import later, trade  # noqa: F401

NOWHERE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.fixture
def seller(make):
    return make.member(firstName="Sam", lastName="Seller")


@pytest.fixture
def listing(trade, seller):
    return trade.listing(seller, price="2.50", stock=100)


class TestCreateOrder:
    def test_a_buyer_without_a_company_buys_from_a_user_seller(self, client, trade, member, seller, listing):
        response = client.post("/orders", headers=member.headers, json={
            "orderStatus": "pending", "items": [{"listingId": str(listing.id), "quantity": 10, "unitPrice": "2.5"}]})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == {
            "id": body["id"], "status": "pending", "orderStatus": "pending",
            "buyerCompanyId": None, "buyerCompany": None, "buyerUserId": member.id,
            "buyerUser": {"id": member.id, "email": member.user.email, "firstName": "Ada", "lastName": "Lovelace"},
            "sellerCompanyId": None, "sellerCompany": None, "sellerUserId": seller.id,
            "sellerUser": {"id": seller.id, "email": seller.user.email, "firstName": "Sam", "lastName": "Seller"},
            "createdByUserId": member.id, "paymentMethod": None, "total": "25.00", "escrowHours": None,
            "escrowId": None, "escrow": None, "cancelReason": None, "paidAt": None,
            "items": [{"id": body["items"][0]["id"], "listingId": str(listing.id),
                       "listing": {"id": str(listing.id), "title": listing.title}, "quantity": 10, "unitPrice": "2.50"}],
            "createdAt": body["createdAt"], "updatedAt": body["updatedAt"]}
        assert trade.stock(listing) == 90

    def test_the_buyer_is_the_callers_company_when_they_own_one(self, client, trade, make, member, seller):
        company = make.company(member.user)
        seller_company = make.company(seller.user)
        listing = trade.listing(seller, company=seller_company)
        body = trade.order(member, listing)
        assert (body["buyerCompanyId"], body["buyerUserId"]) == (str(company.id), None)
        assert body["buyerCompany"] == {"id": str(company.id), "companyName": company.company_name}
        assert (body["sellerCompanyId"], body["sellerUserId"]) == (str(seller_company.id), None)

    def test_items_from_two_sellers_are_refused(self, client, trade, make, member, seller, listing):
        other = trade.listing(make.member())
        response = client.post("/orders", headers=member.headers, json={"items": [
            {"listingId": str(listing.id), "quantity": 1}, {"listingId": str(other.id), "quantity": 1}]})
        assert (response.status_code, response.json()) == (
            400, error(400, "All items must belong to the same seller", "Bad Request"))
        assert trade.stock(listing) == 100

    @pytest.mark.parametrize("change, message", [
        ({"status": "draft"}, "Listing is not available"),
        ({"expires_at": later(-1)}, "Listing is not available"),
        ({"stock": 0}, "Not enough stock for this listing"),
        ({"price": "3.00"}, "unitPrice does not match the listing price"),
    ])
    def test_unavailable_listings_are_400(self, client, trade, member, seller, change, message):
        fields = {"price": "2.50", **change}
        listing = trade.listing(seller, **fields)
        response = client.post("/orders", headers=member.headers, json={
            "items": [{"listingId": str(listing.id), "quantity": 1, "unitPrice": "2.50"}]})
        assert (response.status_code, response.json()) == (400, error(400, message, "Bad Request"))

    def test_your_own_listing_is_refused(self, client, seller, listing):
        response = client.post("/orders", headers=seller.headers, json={"items": [{"listingId": str(listing.id), "quantity": 1}]})
        assert (response.status_code, response.json()) == (400, error(400, "You cannot order your own listing", "Bad Request"))

    def test_a_seller_that_does_not_match_is_refused(self, client, member, other_member, listing):
        response = client.post("/orders", headers=member.headers, json={
            "sellerUserId": other_member.id, "items": [{"listingId": str(listing.id), "quantity": 1}]})
        assert response.status_code == 400

    @pytest.mark.parametrize("body, messages", [
        ({}, ["items should not be empty"]),
        ({"items": []}, ["items must contain at least 1 elements"]),
        ({"items": [{"listingId": NOWHERE, "quantity": 0}]}, ["items.0.quantity must not be less than 1"]),
        ({"items": [{"listingId": "x", "quantity": 1}]}, ["items.0.listingId must be a UUID"]),
        ({"orderStatus": "paid", "items": [{"listingId": NOWHERE, "quantity": 1}]},
         ["orderStatus must be one of the following values: pending"]),
    ])
    def test_bad_input_is_400(self, client, member, body, messages):
        response = client.post("/orders", headers=member.headers, json=body)
        assert response.status_code == 400
        assert response.json()["messageKey"] == "errors.validation_failed"

    def test_an_unknown_listing_is_404(self, client, member):
        response = client.post("/orders", headers=member.headers, json={"items": [{"listingId": NOWHERE, "quantity": 1}]})
        assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))

    def test_someone_elses_company_is_403(self, client, make, member, other_member, listing):
        company = make.company(other_member.user)
        response = client.post("/orders", headers=member.headers, json={
            "buyerCompanyId": str(company.id), "items": [{"listingId": str(listing.id), "quantity": 1}]})
        assert (response.status_code, response.json()) == (403, error(403, "You can only act for your own company", "Forbidden"))

    def test_without_a_token_401(self, client, listing):
        assert client.post("/orders", json={"items": [{"listingId": str(listing.id), "quantity": 1}]}).status_code == 401


class TestListOrders:
    def test_users_see_their_own_and_administrators_all(self, client, trade, member, other_member, admin, listing):
        mine = trade.order(member, listing)
        theirs = trade.order(other_member, listing)
        assert [o["id"] for o in client.get("/orders", headers=member.headers).json()] == [mine["id"]]
        ids = [o["id"] for o in client.get("/orders?limit=1000", headers=admin.headers).json()]
        assert mine["id"] in ids and theirs["id"] in ids

    def test_without_a_token_401(self, client):
        assert client.get("/orders").status_code == 401


class TestMyOrders:
    def test_by_role(self, client, trade, member, seller, listing):
        bought = trade.order(member, listing)
        own = trade.listing(member)
        sold = trade.order(seller, own)
        get = lambda role: [o["id"] for o in client.get(f"/orders/my?role={role}", headers=member.headers).json()]  # noqa: E731
        assert get("buyer") == [bought["id"]]
        assert get("seller") == [sold["id"]]
        assert get("all") == [sold["id"], bought["id"]]

    def test_an_unknown_role_is_400(self, client, member):
        assert client.get("/orders/my?role=carrier", headers=member.headers).status_code == 400

    def test_without_a_token_401(self, client):
        assert client.get("/orders/my").status_code == 401


class TestGetOrder:
    def test_both_sides_and_administrators_see_it(self, client, trade, member, seller, admin, listing):
        order = trade.order(member, listing)
        for who in (member, seller, admin):
            assert client.get(f"/orders/{order['id']}", headers=who.headers).json()["id"] == order["id"]

    def test_someone_else_403(self, client, trade, member, other_member, listing):
        order = trade.order(member, listing)
        response = client.get(f"/orders/{order['id']}", headers=other_member.headers)
        assert (response.status_code, response.json()) == (403, error(403, "You do not have access to this order", "Forbidden"))

    def test_unknown_404(self, client, member):
        response = client.get(f"/orders/{NOWHERE}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Order not found", "Not Found"))

    def test_without_a_token_401(self, client):
        assert client.get(f"/orders/{NOWHERE}").status_code == 401


class TestCheckoutPoints:
    def test_points_are_frozen_in_escrow_and_the_tender_opens(self, client, trade, member, seller, listing):
        trade.credit(member, "30")
        order = trade.order(member, listing, 10)
        response = client.post(f"/orders/{order['id']}/checkout/points", headers=member.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["orderStatus"], body["paymentMethod"]) == ("paid", "paid", "points")
        assert body["escrowId"] == body["escrow"]["id"]
        assert (body["escrow"]["status"], body["escrow"]["amount"], body["escrow"]["buyerFee"]) == ("held", "25.00", "0.00")
        assert trade.balances(member) == ("5.00", "25.00")
        with database.reading() as session:
            assert orders.load(session, order["id"]).status == "paid"
            tender = session.query(tenders.ShippingTender).filter_by(order_id=uuid.UUID(order["id"])).one()
            assert tender.status == "open"

    def test_the_escrow_lasts_the_hours_a_carrier_set(self, client, trade, member, carrier, listing):
        trade.credit(member, "30")
        order = trade.order(member, listing)
        assert client.patch(f"/orders/{order['id']}/escrow-hours", headers=carrier.headers, json={"hours": 48}).status_code == 200
        body = client.post(f"/orders/{order['id']}/checkout/points", headers=member.headers).json()
        expires = dt.datetime.fromisoformat(body["escrow"]["expiresAt"].replace("Z", "+00:00"))
        paid = dt.datetime.fromisoformat(body["paidAt"].replace("Z", "+00:00"))
        assert (expires - paid) == dt.timedelta(hours=48)
        assert body["escrowHours"] == 48

    def test_a_short_balance_is_400_and_changes_nothing(self, client, trade, member, listing):
        trade.credit(member, "2")
        order = trade.order(member, listing)
        response = client.post(f"/orders/{order['id']}/checkout/points", headers=member.headers)
        assert (response.status_code, response.json()) == (400, error(400, "Insufficient points balance", "Bad Request"))
        assert trade.balances(member) == ("2.00", "0.00")

    def test_twice_is_400(self, client, trade, member, listing):
        order = trade.paid(member, listing)
        response = client.post(f"/orders/{order['id']}/checkout/points", headers=member.headers)
        assert (response.status_code, response.json()) == (400, error(400, "Order is not pending payment", "Bad Request"))

    def test_the_seller_cannot_pay_403(self, client, trade, member, seller, listing):
        order = trade.order(member, listing)
        assert client.post(f"/orders/{order['id']}/checkout/points", headers=seller.headers).status_code == 403

    def test_without_a_token_401(self, client):
        assert client.post(f"/orders/{NOWHERE}/checkout/points").status_code == 401


class TestEscrowHours:
    def test_only_carriers_403(self, client, trade, member, listing):
        order = trade.order(member, listing)
        response = client.patch(f"/orders/{order['id']}/escrow-hours", headers=member.headers, json={"hours": 5})
        assert (response.status_code, response.json()) == (403, error(403, "Only carriers can set escrow hours", "Forbidden"))

    @pytest.mark.parametrize("hours", [0, 169, "5"])
    def test_out_of_range_400(self, client, trade, member, carrier, listing, hours):
        order = trade.order(member, listing)
        response = client.patch(f"/orders/{order['id']}/escrow-hours", headers=carrier.headers, json={"hours": hours})
        assert response.status_code == 400

    def test_after_checkout_400(self, client, trade, member, carrier, listing):
        order = trade.paid(member, listing)
        response = client.patch(f"/orders/{order['id']}/escrow-hours", headers=carrier.headers, json={"hours": 5})
        assert response.status_code == 400

    def test_without_a_token_401(self, client):
        assert client.patch(f"/orders/{NOWHERE}/escrow-hours", json={"hours": 5}).status_code == 401


class TestShip:
    def test_the_seller_ships_a_paid_order(self, client, trade, member, seller, listing):
        order = trade.paid(member, listing)
        response = client.post(f"/orders/{order['id']}/ship", headers=seller.headers)
        assert (response.status_code, response.json()["orderStatus"]) == (200, "shipped")

    def test_the_buyer_cannot_403(self, client, trade, member, listing):
        order = trade.paid(member, listing)
        response = client.post(f"/orders/{order['id']}/ship", headers=member.headers)
        assert (response.status_code, response.json()) == (403, error(403, "Only the seller can do this", "Forbidden"))

    def test_unpaid_400(self, client, trade, member, seller, listing):
        order = trade.order(member, listing)
        assert client.post(f"/orders/{order['id']}/ship", headers=seller.headers).status_code == 400

    def test_without_a_token_401(self, client):
        assert client.post(f"/orders/{NOWHERE}/ship").status_code == 401


class TestConfirmDelivery:
    def test_points_orders_are_400(self, client, trade, member, listing):
        order = trade.paid(member, listing)
        response = client.post(f"/orders/{order['id']}/confirm-delivery", headers=member.headers)
        assert (response.status_code, response.json()) == (400, error(
            400, "Points orders are confirmed by the assigned carrier via /shipments", "Bad Request"))

    def test_an_offline_paid_order_completes_with_fees_per_side(self, client, trade, member, seller, admin, listing):
        order = trade.order(member, listing, 4)
        assert client.patch(f"/orders/{order['id']}/status/paid", headers=admin.headers).status_code == 200
        response = client.post(f"/orders/{order['id']}/confirm-delivery", headers=member.headers)
        assert (response.status_code, response.json()["orderStatus"]) == (200, "completed")
        with database.reading() as session:
            fees = {f.side: (f.quantity, str(f.amount_sar), str(f.amount_points))
                    for f in session.query(escrow.OrderFee).filter_by(order_id=uuid.UUID(order["id"]))}
        assert fees == {"buyer": (4, "0.00", "0.00"), "seller": (4, "0.25", "0.00")}

    def test_the_seller_cannot_403(self, client, trade, member, seller, admin, listing):
        order = trade.order(member, listing)
        client.patch(f"/orders/{order['id']}/status/paid", headers=admin.headers)
        assert client.post(f"/orders/{order['id']}/confirm-delivery", headers=seller.headers).status_code == 403

    def test_without_a_token_401(self, client):
        assert client.post(f"/orders/{NOWHERE}/confirm-delivery").status_code == 401


class TestCancel:
    def test_cancelling_refunds_the_escrow_and_gives_back_stock(self, client, trade, member, seller, listing):
        order = trade.paid(member, listing, 4, credit="10")
        assert trade.balances(member) == ("0.00", "10.00")
        response = client.post(f"/orders/{order['id']}/cancel", headers=seller.headers, json={"reason": "out of stock"})
        assert response.status_code == 200
        body = response.json()
        assert (body["orderStatus"], body["cancelReason"], body["escrow"]["status"]) == ("cancelled", "out of stock", "refunded")
        assert trade.balances(member) == ("10.00", "0.00")
        assert trade.stock(listing) == 100
        with database.reading() as session:
            assert session.query(tenders.ShippingTender).filter_by(order_id=uuid.UUID(order["id"])).one().status == "closed"

    def test_without_a_body(self, client, trade, member, listing):
        order = trade.order(member, listing)
        assert client.post(f"/orders/{order['id']}/cancel", headers=member.headers).json()["orderStatus"] == "cancelled"

    def test_after_shipping_400(self, client, trade, member, seller, listing):
        order = trade.paid(member, listing)
        client.post(f"/orders/{order['id']}/ship", headers=seller.headers)
        assert client.post(f"/orders/{order['id']}/cancel", headers=member.headers).status_code == 400

    def test_someone_else_403(self, client, trade, member, other_member, listing):
        order = trade.order(member, listing)
        assert client.post(f"/orders/{order['id']}/cancel", headers=other_member.headers).status_code == 403

    def test_without_a_token_401(self, client):
        assert client.post(f"/orders/{NOWHERE}/cancel").status_code == 401


class TestChangeStatus:
    @pytest.mark.parametrize("path, who, status", [
        ("shipped", "seller", 200), ("shipped", "member", 403), ("completed", "member", 400),
        ("pending", "admin", 400), ("cancelled", "member", 200),
    ])
    def test_the_transition_map(self, client, trade, member, seller, admin, listing, path, who, status):
        order = trade.paid(member, listing)
        headers = {"seller": seller, "member": member, "admin": admin}[who].headers
        assert client.patch(f"/orders/{order['id']}/status/{path}", headers=headers).status_code == status

    def test_an_unknown_status_400(self, client, trade, member, listing):
        order = trade.order(member, listing)
        assert client.patch(f"/orders/{order['id']}/status/lost", headers=member.headers).status_code == 400

    def test_only_administrators_mark_paid_403(self, client, trade, member, listing):
        order = trade.order(member, listing)
        assert client.patch(f"/orders/{order['id']}/status/paid", headers=member.headers).status_code == 403

    def test_without_a_token_401(self, client):
        assert client.patch(f"/orders/{NOWHERE}/status/shipped").status_code == 401


class TestDeleteOrder:
    def test_the_buyer_deletes_a_pending_order(self, client, trade, member, listing):
        order = trade.order(member, listing, 3)
        response = client.delete(f"/orders/{order['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.order_deleted"})
        assert trade.stock(listing) == 100
        assert client.get(f"/orders/{order['id']}", headers=member.headers).status_code == 404

    def test_held_points_must_be_refunded_first(self, client, trade, member, admin, listing):
        order = trade.paid(member, listing)
        assert client.delete(f"/orders/{order['id']}", headers=admin.headers).status_code == 400

    def test_the_seller_cannot_403(self, client, trade, member, seller, listing):
        order = trade.order(member, listing)
        assert client.delete(f"/orders/{order['id']}", headers=seller.headers).status_code == 403

    def test_without_a_token_401(self, client):
        assert client.delete(f"/orders/{NOWHERE}").status_code == 401


class TestEscrowExpiryJob:
    def test_an_unshipped_order_is_refunded_once(self, invare, trade, member, listing):
        order = trade.paid(member, listing, 2, credit="5")
        assert orders.expire_escrows(database, later(11)) == {"refunded": 0}
        assert orders.expire_escrows(database, later(13)) == {"refunded": 1}
        assert orders.expire_escrows(database, later(14)) == {"refunded": 0}
        assert trade.balances(member) == ("5.00", "0.00")
        with database.reading() as session:
            found = orders.load(session, order["id"])
            assert (found.status, found.cancel_reason) == ("cancelled", "Escrow expired")

    def test_a_shipped_order_keeps_its_escrow(self, client, trade, member, seller, listing):
        order = trade.paid(member, listing, 2, credit="5")
        client.post(f"/orders/{order['id']}/ship", headers=seller.headers)
        assert orders.expire_escrows(database, later(13)) == {"refunded": 0}
        assert trade.balances(member) == ("0.00", "5.00")

    def test_tender_expiry(self, trade, member, listing):
        trade.paid(member, listing)
        assert tenders.expire_due(database, later(13)) == {"expired": 1}
        assert tenders.expire_due(database, later(13)) == {"expired": 0}
