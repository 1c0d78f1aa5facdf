"""Bids: placing (and the bid_added push), a listing's bids, one bid, withdrawing, topic subscriptions."""
import json

import pytest

from server.products.invare import PRODUCT
from tests.invare.conftest import POSITIVE_AMOUNT, error, invalid
from tests.invare.ledger import ledger_balanced  # noqa: F401  (checked after every test)
from tests.invare.trade import later, trade  # noqa: F401

NOWHERE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.fixture
def seller(make):
    return make.member(firstName="Sam", lastName="Seller")


@pytest.fixture
def listing(trade, seller):
    return trade.listing(seller, biddable=True)


@pytest.fixture
def pushed(invare):
    records = PRODUCT.runtime.push.records
    records.clear()
    return records


def bid(client, who, listing, amount="1500.00", **fields):
    return client.post("/bids", headers=who.headers, json={"amount": amount, "listingId": str(listing.id), **fields})


class TestPlaceBid:
    def test_a_user_bids_and_the_listing_topic_hears_it(self, client, member, listing, pushed):
        response = bid(client, member, listing, "1500")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == {"id": body["id"], "amount": "1500.00", "listingId": str(listing.id),
                        "listing": {"id": str(listing.id)}, "bidderCompanyId": None, "bidderCompany": None,
                        "bidderUserId": member.id,
                        "bidderUser": {"id": member.id, "email": member.user.email, "firstName": "Ada",
                                       "lastName": "Lovelace"},
                        "createdAt": body["createdAt"]}
        [push] = [r for r in pushed if r.kind == "message"]
        assert (push.topic, push.title, push.body) == (f"listing_{str(listing.id).replace('-', '_')}", "New bid",
                                                       "A new bid was placed: 1500.00")
        assert push.data["type"] == "bid_added" and push.data["listingId"] == str(listing.id)
        assert json.loads(push.data["bid"]) == {"id": body["id"], "amount": "1500.00", "createdAt": body["createdAt"],
                                                "listingId": str(listing.id), "bidderCompanyId": None,
                                                "bidderUserId": member.id}

    def test_the_bidder_is_the_callers_company_when_they_own_one(self, client, make, member, listing):
        company = make.company(member.user)
        body = bid(client, member, listing).json()
        assert (body["bidderCompanyId"], body["bidderUserId"]) == (str(company.id), None)

    @pytest.mark.parametrize("change, message", [
        ({"biddable": False}, "Listing is not open for bidding"),
        ({"status": "draft"}, "Listing is not open for bidding"),
        ({"expires_at": later(-1)}, "Listing has expired"),
    ])
    def test_closed_listings_are_400(self, client, trade, member, seller, change, message):
        listing = trade.listing(seller, **{"biddable": True, **change})
        response = bid(client, member, listing)
        assert (response.status_code, response.json()) == (400, error(400, message, "Bad Request"))

    def test_your_own_listing_400(self, client, seller, listing):
        response = bid(client, seller, listing)
        assert (response.status_code, response.json()) == (400, error(400, "You cannot bid on your own listing", "Bad Request"))

    @pytest.mark.parametrize("amount", ["abc", "1.234", "-1", 5])
    def test_bad_amounts_400(self, client, member, listing, amount):
        assert bid(client, member, listing, amount).status_code == 400

    @pytest.mark.parametrize("amount", ["0", "0.0", "0.00"])
    def test_zero_400(self, client, member, listing, amount):
        response = bid(client, member, listing, amount)
        assert (response.status_code, response.json()) == (400, invalid(f"amount must match {POSITIVE_AMOUNT} regular expression"))

    def test_the_least_amount_is_a_cent(self, client, member, listing):
        response = bid(client, member, listing, "0.01")
        assert (response.status_code, response.json()["amount"]) == (201, "0.01")

    def test_unknown_listing_404(self, client, member):
        response = client.post("/bids", headers=member.headers, json={"amount": "1", "listingId": NOWHERE})
        assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))

    def test_for_someone_else_403(self, client, member, other_member, listing):
        assert bid(client, member, listing, bidderUserId=other_member.id).status_code == 403

    def test_without_a_token_401(self, client, listing):
        assert client.post("/bids", json={"amount": "1", "listingId": str(listing.id)}).status_code == 401


class TestListForListing:
    def test_highest_first(self, client, member, other_member, listing):
        low = bid(client, member, listing, "10").json()
        high = bid(client, other_member, listing, "20").json()
        response = client.get(f"/bids/listing/{listing.id}", headers=member.headers)
        assert response.status_code == 200
        assert [b["id"] for b in response.json()] == [high["id"], low["id"]]

    def test_unknown_listing_404(self, client, member):
        assert client.get(f"/bids/listing/{NOWHERE}", headers=member.headers).status_code == 404

    def test_public_as_the_listing_page_reads_it_signed_out(self, client, member, listing):
        placed = bid(client, member, listing, "10").json()
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = client.get(f"/bids/listing/{listing.id}?page=1&limit=10", headers=headers)
            assert (response.status_code, response.json()) == (200, [placed])

    @pytest.mark.parametrize("status", ["draft", "pending", "cancelled"])
    def test_an_unpublished_listing_only_for_its_seller_and_administrators(self, client, trade, seller, member, admin, status):
        hidden = trade.listing(seller, status=status, biddable=True)
        for headers in ({}, member.headers):
            response = client.get(f"/bids/listing/{hidden.id}", headers=headers)
            assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))
        for who in (seller, admin):
            assert (client.get(f"/bids/listing/{hidden.id}", headers=who.headers).status_code) == 200

    @pytest.mark.parametrize("status", ["expired", "closed"])
    def test_an_ended_listing_stays_public(self, client, trade, seller, status):
        ended = trade.listing(seller, status=status, biddable=True)
        assert client.get(f"/bids/listing/{ended.id}").status_code == 200


class TestGetBid:
    def test_one(self, client, member, other_member, listing):
        placed = bid(client, member, listing).json()
        response = client.get(f"/bids/{placed['id']}", headers=other_member.headers)
        assert (response.status_code, response.json()) == (200, placed)

    def test_unknown_404(self, client, member):
        response = client.get(f"/bids/{NOWHERE}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Bid not found", "Not Found"))

    def test_without_a_token_401(self, client):
        assert client.get(f"/bids/{NOWHERE}").status_code == 401


class TestDeleteBid:
    def test_the_bidder_withdraws(self, client, member, listing):
        placed = bid(client, member, listing).json()
        response = client.delete(f"/bids/{placed['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.bid_deleted"})
        assert client.get(f"/bids/{placed['id']}", headers=member.headers).status_code == 404

    def test_someone_else_403(self, client, member, other_member, listing):
        placed = bid(client, member, listing).json()
        response = client.delete(f"/bids/{placed['id']}", headers=other_member.headers)
        assert (response.status_code, response.json()) == (403, error(403, "You can only delete your own bids", "Forbidden"))

    def test_an_administrator_may(self, client, member, admin, listing):
        placed = bid(client, member, listing).json()
        assert client.delete(f"/bids/{placed['id']}", headers=admin.headers).status_code == 200

    def test_without_a_token_401(self, client):
        assert client.delete(f"/bids/{NOWHERE}").status_code == 401


class TestSubscribe:
    def test_a_device_joins_the_listing_topic(self, client, member, listing, pushed):
        response = client.post(f"/bids/listing/{listing.id}/subscribe", headers=member.headers,
                               json={"deviceToken": "device-1"})
        assert (response.status_code, response.json()) == (200, {"success": True})
        assert [(r.kind, r.topic, r.tokens) for r in pushed] == [
            ("subscribe", f"listing_{str(listing.id).replace('-', '_')}", ("device-1",))]

    def test_unknown_listing_404(self, client, member):
        assert client.post(f"/bids/listing/{NOWHERE}/subscribe", headers=member.headers,
                           json={"deviceToken": "d"}).status_code == 404

    def test_a_token_is_required_400(self, client, member, listing):
        assert client.post(f"/bids/listing/{listing.id}/subscribe", headers=member.headers, json={}).status_code == 400

    def test_without_a_token_401(self, client, listing):
        assert client.post(f"/bids/listing/{listing.id}/subscribe", json={"deviceToken": "d"}).status_code == 401


class TestUnsubscribe:
    def test_a_device_leaves_the_listing_topic(self, client, member, listing, pushed):
        response = client.request("DELETE", f"/bids/listing/{listing.id}/subscribe", headers=member.headers,
                                 json={"deviceToken": "device-1"})
        assert (response.status_code, response.json()) == (200, {"success": True})
        assert [r.kind for r in pushed] == ["unsubscribe"]

    def test_without_a_token_401(self, client, listing):
        assert client.request("DELETE", f"/bids/listing/{listing.id}/subscribe", json={"deviceToken": "d"}).status_code == 401
