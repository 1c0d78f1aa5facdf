"""Administration: figures from the database, carriers, the welcome mailing, profit reports."""
import uuid

import pytest

import datetime as dt

from tests.invare.comms_support import make_fee, make_listing, make_order
from tests.invare.conftest import error, invalid


class TestDashboard:
    def test_figures(self, client, admin, make):
        before = client.get("/admin/dashboard", headers=admin.headers).json()
        owner = make.member()
        make.company(owner.user)
        make_listing(seller_user=owner.user, status="active")
        make_listing(seller_user=owner.user, status="draft")
        after = client.get("/admin/dashboard", headers=admin.headers).json()
        assert after == {"totalUsers": before["totalUsers"] + 1, "totalCompanies": before["totalCompanies"] + 1,
                         "totalListings": before["totalListings"] + 2, "activeListings": before["activeListings"] + 1,
                         "totalIncome": before["totalIncome"]}
        assert isinstance(after["totalIncome"], (int, float))

    def test_admins_only(self, client, member):
        assert client.get("/admin/dashboard", headers=member.headers).json() == error(403, "Forbidden resource", "Forbidden")
        assert client.get("/admin/dashboard").status_code == 401


class TestCarriers:
    def test_lists_carriers(self, client, admin, carrier, member):
        listed = client.get("/admin/carriers", headers=admin.headers).json()
        ids = [c["id"] for c in listed]
        assert carrier.id in ids and member.id not in ids
        assert {k: listed[ids.index(carrier.id)][k] for k in ("isCarrier", "accountStatus")} == {
            "isCarrier": True, "accountStatus": "active"}

    def test_admins_only(self, client, carrier):
        assert client.get("/admin/carriers", headers=carrier.headers).status_code == 403
        assert client.get("/admin/carriers").status_code == 401


class TestCreateCarrier:
    def test_creates_a_carrier(self, client, admin):
        body = {"email": "carrier-new@example.com", "firstName": "John", "lastName": "Doe", "phone": "+966500000000"}
        response = client.patch("/admin/carriers", json=body, headers=admin.headers)
        assert response.status_code == 201
        assert {k: response.json()[k] for k in ("email", "firstName", "isCarrier", "accountStatus")} == {
            "email": "carrier-new@example.com", "firstName": "John", "isCarrier": True, "accountStatus": "active"}
        assert client.patch("/admin/carriers", json=body, headers=admin.headers).status_code == 409

    def test_bad_input_and_roles(self, client, admin, member):
        assert client.patch("/admin/carriers", json={"email": "x"}, headers=admin.headers).status_code == 400
        assert client.patch("/admin/carriers", json={}, headers=member.headers).status_code == 403
        assert client.patch("/admin/carriers", json={}).status_code == 401


class TestCarrierStatus:
    def test_grant_and_revoke(self, client, admin, member):
        response = client.patch("/admin/carrier-status", json={"userId": member.id, "isCarrier": True}, headers=admin.headers)
        assert response.json() == {"id": member.id, "email": member.user.email, "isCarrier": True}
        response = client.patch("/admin/carrier-status", json={"userId": member.id, "isCarrier": False}, headers=admin.headers)
        assert response.json()["isCarrier"] is False

    def test_errors(self, client, admin, member):
        response = client.patch("/admin/carrier-status", json={"userId": str(uuid.uuid4()), "isCarrier": True},
                                headers=admin.headers)
        assert response.status_code == 404
        assert client.patch("/admin/carrier-status", json={"userId": member.id},
                            headers=admin.headers).json() == invalid("isCarrier should not be empty")
        assert client.patch("/admin/carrier-status", json={}, headers=member.headers).status_code == 403
        assert client.patch("/admin/carrier-status", json={}).status_code == 401


class TestWelcomeUsers:
    def test_mails_every_active_account(self, client, admin, member, mail):
        response = client.post("/admin/welcome-users", json={}, headers=admin.headers)
        assert response.status_code == 200
        assert response.json()["attempted"] == response.json()["sent"] >= 2
        assert mail.latest(member.user.email).subject == "Welcome to Invare"

    def test_admins_only(self, client, member):
        assert client.post("/admin/welcome-users", json={}, headers=member.headers).status_code == 403
        assert client.post("/admin/welcome-users", json={}).status_code == 401


class TestProfitReports:
    def test_grouped_by_period_and_side(self, client, admin, member, other_member):
        order = make_order(member.user, other_member.user)
        utc = dt.timezone.utc
        make_fee(order, "buyer", quantity=10, sar="1.50", at=dt.datetime(2031, 1, 5, 10, tzinfo=utc))
        make_fee(order, "seller", quantity=10, points="2.00", at=dt.datetime(2031, 1, 20, 23, tzinfo=utc))
        other = make_order(member.user, other_member.user)
        make_fee(other, "buyer", quantity=5, sar="1.00", at=dt.datetime(2031, 1, 31, 23, 59, tzinfo=utc))
        make_fee(other, "seller", quantity=5, sar="1.00", at=dt.datetime(2031, 2, 1, 0, 0, tzinfo=utc))
        monthly = client.get("/admin/profit/reports?period=monthly&from=2031-01-01&to=2031-12-31",
                             headers=admin.headers).json()
        assert monthly == [
            {"period": "2031-01-01T00:00:00.000Z", "side": "buyer", "totalQuantity": 15, "totalSar": 2.5, "totalPoints": 0},
            {"period": "2031-01-01T00:00:00.000Z", "side": "seller", "totalQuantity": 10, "totalSar": 0, "totalPoints": 2},
            {"period": "2031-02-01T00:00:00.000Z", "side": "seller", "totalQuantity": 5, "totalSar": 1, "totalPoints": 0},
        ]
        weekly = client.get("/admin/profit/reports?period=weekly&from=2031-01-01&to=2031-01-31",
                            headers=admin.headers).json()
        assert [(row["period"], row["side"]) for row in weekly] == [
            ("2030-12-30T00:00:00.000Z", "buyer"), ("2031-01-20T00:00:00.000Z", "seller"),
            ("2031-01-27T00:00:00.000Z", "buyer")]
        yearly = client.get("/admin/profit/reports?period=yearly&from=2031-01-01&to=2031-01-31",
                            headers=admin.headers).json()
        assert yearly == [
            {"period": "2031-01-01T00:00:00.000Z", "side": "buyer", "totalQuantity": 15, "totalSar": 2.5, "totalPoints": 0},
            {"period": "2031-01-01T00:00:00.000Z", "side": "seller", "totalQuantity": 10, "totalSar": 0, "totalPoints": 2}]

    def test_no_fees_yet(self, client, admin):
        response = client.get("/admin/profit/reports?period=monthly&from=2026-01-01&to=2026-12-31", headers=admin.headers)
        assert response.status_code == 200 and isinstance(response.json(), list)

    @pytest.mark.parametrize("query", ["period=daily", "", "period=monthly&from=2026-13-01",
                                       "period=monthly&from=2026-02-01&to=2026-01-01"])
    def test_bad_input(self, client, admin, query):
        assert client.get(f"/admin/profit/reports?{query}", headers=admin.headers).status_code == 400

    def test_admins_only(self, client, member):
        assert client.get("/admin/profit/reports?period=weekly", headers=member.headers).status_code == 403
        assert client.get("/admin/profit/reports?period=weekly").status_code == 401
