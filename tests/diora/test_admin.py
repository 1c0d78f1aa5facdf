"""Administration: statistics, health, account search and moderation, promotion requests."""
import datetime as dt

import pytest

from models.diora import database, promotions
from tests.diora.conftest import error
from tests.diora.shopping import product

pytestmark = pytest.mark.usefixtures("diora")


def promotion(make, user, name="Urban Threads"):
    with database.unit_of_work() as uow:
        request, _ = promotions.submit(uow.session, user_id=user.id, documents=[
            {"filename": "docs/a.pdf", "originalName": "a.pdf", "path": "docs/a.pdf", "mimetype": "application/pdf",
             "size": 10}], fields={"businessName": name, "businessDescription": "Streetwear", "businessType": "retail",
                                   "yearsInBusiness": "3", "expectedProducts": "20"})
        uow.commit()
    return request


class TestAccess:
    @pytest.mark.parametrize("method,path", [
        ("get", "/api/admin/stats"), ("get", "/api/admin/health"), ("get", "/api/admin/users/search"),
        ("post", "/api/admin/users/" + "a" * 24 + "/warn"), ("get", "/api/admin/promotion-requests")])
    def test_non_admins_are_403_and_anonymous_401(self, client, make, method, path):
        extra = {"json": {}} if method == "post" else {}
        answer = getattr(client, method)(path, headers=make.headers(), **extra)
        assert answer.status_code == 403
        assert answer.json() == error("Access denied. Admin privileges required.", "AUTH_002")
        assert getattr(client, method)(path).status_code == 401


class TestStats:
    def test_counts_accounts_and_requests(self, client, make):
        admin = make.admin()
        make.user()
        make.shop()
        promotion(make, make.user())
        stats = client.get("/api/admin/stats", headers=make.headers(admin)).json()["stats"]
        assert stats["users"] == {"total": 2, "shops": 1, "admins": 1, "all": 4, "newThisMonth": 4}
        assert stats["promotionRequests"] == {"pending": 1, "approved": 0, "rejected": 0, "total": 1}
        assert stats["orders"] == {"total": 0, "thisMonth": 0}
        assert set(stats["content"]) == {"posts", "products", "comments", "newPostsThisMonth", "newProductsThisMonth"}


class TestHealth:
    def test_reports_the_database_and_the_process(self, client, make):
        health = client.get("/api/admin/health", headers=make.headers(make.admin())).json()["health"]
        assert health["status"] == "healthy" and health["database"] == "connected"
        assert health["redis"] == "not configured"
        assert health["collections"]["users"] == 1 and health["activity"]["newUsersLastHour"] == 1
        assert health["uptime"].endswith("m") and health["memory"]["used"].endswith("MB")
        assert health["lastBackup"] is None


class TestUserSearch:
    def test_query_and_filters_with_the_clients_names(self, client, make):
        admin = make.admin()
        anna = make.user(username="annabel", full_name="Anna Bell")
        make.user(username="zed")
        shop = make.shop(username="annashop")
        make.suspend(anna)
        headers = make.headers(admin)
        found = client.get("/api/admin/users/search?q=anna", headers=headers).json()
        assert [u["username"] for u in found["users"]] == ["annashop", "annabel"]
        assert found["pagination"] | {} == {"page": 1, "limit": 20, "total": 2, "totalPages": 1, "hasNextPage": False,
                                           "hasPrevPage": False, "current": 1, "count": 2, "totalCount": 2}
        assert [u["_id"] for u in client.get("/api/admin/users/search?query=anna&accountType=shop",
                                             headers=headers).json()["users"]] == [shop.id]
        suspended = client.get("/api/admin/users/search?suspended=true", headers=headers).json()["users"]
        assert [(u["username"], u["status"]) for u in suspended] == [("annabel", "suspended")]
        assert suspended[0]["email"] == "annabel@example.com"

    def test_bad_filter_is_400(self, client, make):
        answer = client.get("/api/admin/users/search?status=gone", headers=make.headers(make.admin()))
        assert answer.status_code == 400 and answer.json()["field"] == "status"


class TestSuspend:
    def test_suspends_and_notifies(self, client, make):
        admin, user = make.admin(), make.user()
        answer = client.post(f"/api/admin/users/{user.id}/suspend", headers=make.headers(admin),
                             json={"duration": 3, "reason": "Spam"})
        assert answer.status_code == 200
        body = answer.json()
        until = dt.datetime.fromisoformat(body["suspendedUntil"].replace("Z", "+00:00"))
        assert dt.timedelta(days=2, hours=23) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(days=3)
        assert body["message"] == "User suspended successfully"
        assert body["user"] == {"_id": user.id, "username": user.username, "status": "suspended",
                                "suspendedUntil": body["suspendedUntil"]}
        note = make.notifications(user)[0]
        assert (note.type, note.title) == ("warning", "Account Suspended ⚠️")
        assert note.message == f"Your account has been suspended until {until:%a %b %d %Y}. Reason: Spam"
        assert client.get("/api/user/me", headers=make.headers(user)).status_code == 403

    def test_admins_cannot_be_suspended(self, client, make):
        other = make.admin()
        answer = client.post(f"/api/admin/users/{other.id}/suspend", headers=make.headers(make.admin()), json={})
        assert answer.status_code == 400
        assert answer.json() == error("Cannot suspend admin users", field="userId")

    @pytest.mark.parametrize("body,field", [({"duration": 0}, "duration"), ({"duration": "x"}, "duration"),
                                            ({"reason": 5}, "reason"), ({"other": 1}, "other")])
    def test_bad_input_is_400(self, client, make, body, field):
        user = make.user()
        answer = client.post(f"/api/admin/users/{user.id}/suspend", headers=make.headers(make.admin()), json=body)
        assert answer.status_code == 400
        assert answer.json().get("field") == field
        assert make.reload(user).status == "active"

    def test_unknown_user_is_404(self, client, make):
        answer = client.post(f"/api/admin/users/{'a' * 24}/suspend", headers=make.headers(make.admin()), json={})
        assert answer.status_code == 404 and answer.json() == error("User not found", "USER_001")


class TestBan:
    def test_bans_with_the_default_reason(self, client, make):
        user = make.user()
        answer = client.post(f"/api/admin/users/{user.id}/ban", headers=make.headers(make.admin()),
                             json={"permanent": True})
        assert answer.status_code == 200 and answer.json()["message"] == "User banned successfully"
        row = make.reload(user)
        assert (row.status, row.ban_reason) == ("banned", "Severe violation of community guidelines")
        assert make.notifications(user)[0].title == "Account Banned 🚫"


class TestUnban:
    def test_restores_and_notifies(self, client, make):
        user = make.user()
        make.ban(user)
        answer = client.post(f"/api/admin/users/{user.id}/unban", headers=make.headers(make.admin()))
        assert answer.json() == {"status": True, "message": "User unbanned successfully",
                                     "user": {"_id": user.id, "username": user.username, "status": "active",
                                              "suspendedUntil": None}}
        row = make.reload(user)
        assert (row.ban_reason, row.banned_at) == (None, None)
        assert (make.notifications(user)[0].type, make.notifications(user)[0].title) == ("system", "Account Restored ✅")

    def test_active_account_is_400(self, client, make):
        user = make.user()
        answer = client.post(f"/api/admin/users/{user.id}/unban", headers=make.headers(make.admin()))
        assert answer.status_code == 400


class TestWarn:
    def test_warns_and_publishes(self, client, make, published):
        user = make.user()
        answer = client.post(f"/api/admin/users/{user.id}/warn", headers=make.headers(make.admin()),
                             json={"message": "Please follow community guidelines", "severity": "high"})
        assert answer.status_code == 200 and answer.json()["message"] == "Warning sent successfully"
        note = make.notifications(user)[0]
        assert (note.type, note.title, note.message) == ("warning", "Final Warning ⚠️",
                                                         "Please follow community guidelines")
        assert [(users, event) for users, event, _ in published()] == [([user.id], "notification")]

    def test_bad_severity_is_400(self, client, make):
        user = make.user()
        answer = client.post(f"/api/admin/users/{user.id}/warn", headers=make.headers(make.admin()),
                             json={"severity": "extreme"})
        assert answer.status_code == 400 and answer.json()["field"] == "severity"
        assert make.notifications(user) == []


class TestPromotionRequests:
    def test_lists_pending_with_the_requester(self, client, make):
        user = make.user(username="wannabe")
        request = promotion(make, user)
        found = client.get("/api/admin/promotion-requests", headers=make.headers(make.admin())).json()
        assert [r["_id"] for r in found["requests"]] == [request.id]
        item = found["requests"][0]
        assert item["user"]["username"] == "wannabe" and item["status"] == "pending"
        assert item["proofDocuments"] == [{"filename": "docs/a.pdf", "originalName": "a.pdf",
                                           "mimetype": "application/pdf", "size": 10}]
        assert found["pagination"]["totalCount"] == 1
        decided = client.get("/api/admin/promotion-requests?status=approved", headers=make.headers(make.admin()))
        assert decided.json()["requests"] == []


class TestDecidePromotion:
    def test_approve_makes_a_shop(self, client, make):
        user = make.user()
        request = promotion(make, user, name="Velvet Lane")
        answer = client.put(f"/api/admin/promotion-requests/{request.id}", headers=make.headers(make.admin()),
                            json={"action": "approve", "comments": "Welcome"})
        assert answer.status_code == 200
        assert answer.json()["request"]["status"] == "approved"
        row = make.reload(user)
        assert (row.type, row.full_name, row.bio) == ("shop", "Velvet Lane", "Streetwear")
        assert row.shop_profile["contactEmail"] == user.email and row.shop_profile["businessType"] == "retail"
        assert row.onboarding["step"] == 0 and row.onboarding["isComplete"] is False
        note = make.notifications(user)[0]
        assert (note.type, note.title) == ("system", "Shop Promotion Approved! 🎉")
        assert note.message == ('Congratulations! Your shop "Velvet Lane" has been approved. You can now start '
                                "listing products.")
        again = client.put(f"/api/admin/promotion-requests/{request.id}", headers=make.headers(make.admin()),
                           json={"action": "reject"})
        assert again.status_code == 409
        assert again.json() == error("This request has already been processed")

    def test_reject_keeps_the_user(self, client, make):
        user = make.user()
        request = promotion(make, user)
        client.put(f"/api/admin/promotion-requests/{request.id}", headers=make.headers(make.admin()),
                   json={"action": "reject", "comments": "Need more documents"})
        assert make.reload(user).type == "user"
        note = make.notifications(user)[0]
        assert note.title == "Shop Promotion Request Update"
        assert note.data == {"requestId": request.id, "status": "rejected", "comments": "Need more documents"}

    @pytest.mark.parametrize("body,field", [({"action": "maybe"}, "action"), ({}, "action")])
    def test_bad_action_is_400(self, client, make, body, field):
        request = promotion(make, make.user())
        answer = client.put(f"/api/admin/promotion-requests/{request.id}", headers=make.headers(make.admin()), json=body)
        assert answer.status_code == 400 and answer.json()["field"] == field

    def test_unknown_request_is_404(self, client, make):
        answer = client.put(f"/api/admin/promotion-requests/{'b' * 24}", headers=make.headers(make.admin()),
                            json={"action": "approve"})
        assert answer.status_code == 404 and answer.json() == error("Promotion request not found")


class TestSearchProducts:
    def test_query_and_filters(self, client, make):
        shop = make.shop(username="velvet")
        coat = product(shop, name="Wool Coat", stock=0, reports=2)
        product(shop, name="Silk Scarf", is_hidden=True)
        headers = make.headers(make.admin())
        found = client.get("/api/admin/products/search?q=coat", headers=headers).json()
        assert [p["_id"] for p in found["products"]] == [coat.id]
        item = found["products"][0]
        assert (item["shop"]["username"], item["reports"], item["isHidden"], item["price"]) == ("velvet", 2, False, 60.0)
        assert [p["name"] for p in client.get("/api/admin/products/search?hidden=true", headers=headers).json()[
            "products"]] == ["Silk Scarf"]
        assert [p["name"] for p in client.get("/api/admin/products/search?outOfStock=true", headers=headers).json()[
            "products"]] == ["Wool Coat"]
        assert [p["name"] for p in client.get("/api/admin/products/search?reported=true", headers=headers).json()[
            "products"]] == ["Wool Coat"]
        assert client.get("/api/admin/products/search?shopId=nope", headers=headers).status_code == 400


class TestHideProduct:
    def test_hides_and_tells_the_shop(self, client, make):
        shop = make.shop()
        coat = product(shop, name="Wool Coat")
        answer = client.post(f"/api/admin/products/{coat.id}/hide", headers=make.headers(make.admin()),
                             json={"reason": "Counterfeit"})
        assert answer.status_code == 200
        assert (answer.json()["message"], answer.json()["product"]["isHidden"]) == ("Product hidden successfully", True)
        note = make.notifications(shop)[0]
        assert (note.type, note.product_id) == ("warning", coat.id)
        assert note.message == 'Your product "Wool Coat" was hidden from the marketplace. Reason: Counterfeit'

    def test_unknown_is_404_and_users_403(self, client, make):
        answer = client.post(f"/api/admin/products/{'d' * 24}/hide", headers=make.headers(make.admin()), json={})
        assert answer.status_code == 404 and answer.json()["code"] == "PROD_001"
        assert client.post(f"/api/admin/products/{'d' * 24}/hide", headers=make.headers(), json={}).status_code == 403


class TestShowProduct:
    def test_shows_again(self, client, make):
        coat = product(make.shop(), is_hidden=True)
        answer = client.post(f"/api/admin/products/{coat.id}/show", headers=make.headers(make.admin()))
        assert answer.json()["message"] == "Product shown successfully" and answer.json()["product"]["isHidden"] is False
