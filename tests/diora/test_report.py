"""Reports: filing them in every accepted shape, and the administrators' moderation and clean-up."""
import datetime as dt

import pytest

from models.base import utcnow
from models.diora import database
from models.diora.tables.report import Report
from server.products.diora import PRODUCT
from tests.diora.conftest import error
from tests.diora.social import ago, load, make_comment, make_post, make_report

NO_ID = "0" * 24


def stored(report_id):
    with database.reading() as session:
        return session.get(Report, report_id)


class TestCreateReport:
    @pytest.mark.parametrize("shape", ["reference", "client", "original"])
    def test_every_body_shape(self, client, make, shape):
        me, author = make.user(), make.user()
        post = make_post(author)
        body = {"reference": {"itemType": "post", "itemId": post.id, "reason": "spam", "description": "Spam"},
                "client": {"targetType": "post", "targetId": post.id, "reason": "spam", "description": "Spam"},
                "original": {"reportedItem": {"itemType": "post", "itemId": post.id}, "type": "spam",
                             "description": "Spam", "evidenceUrl": "http://x/1.png"}}[shape]
        response = client.post("/api/report", headers=make.headers(me), json=body)
        assert response.status_code == 201
        report = response.json()["report"]
        assert response.json()["message"] == "Report submitted successfully"
        assert {k: report[k] for k in ("itemType", "itemId", "targetType", "targetId", "reportedItem", "reason",
                                       "type", "description", "status", "priority", "actionTaken")} == {
            "itemType": "post", "itemId": post.id, "targetType": "post", "targetId": post.id,
            "reportedItem": {"itemType": "post", "itemId": post.id}, "reason": "spam", "type": "spam",
            "description": "Spam", "status": "pending", "priority": "medium", "actionTaken": "none"}
        assert report["reporter"]["_id"] == me.id
        assert report["evidenceUrls"] == (["http://x/1.png"] if shape == "original" else [])

    def test_an_open_duplicate_is_not_filed(self, client, make):
        me, target = make.user(), make.user()
        body = {"targetType": "user", "targetId": target.id, "reason": "harassment"}
        assert client.post("/api/report", headers=make.headers(me), json=body).status_code == 201
        response = client.post("/api/report", headers=make.headers(me), json=body)
        assert (response.status_code, response.json()) == (
            200, {"status": True, "message": "You have already reported this item"})

    def test_a_shop_report_needs_a_shop(self, client, make):
        response = client.post("/api/report", headers=make.headers(), json={
            "itemType": "shop", "itemId": make.user().id, "reason": "fraud"})
        assert (response.status_code, response.json()) == (400, error("User is not a shop", field="itemId"))
        shop = make.shop()
        assert client.post("/api/report", headers=make.headers(), json={
            "itemType": "shop", "itemId": shop.id, "reason": "fraud"}).status_code == 201

    def test_the_item_type_its_id_and_the_reason_are_required(self, client, make):
        response = client.post("/api/report", headers=make.headers(), json={})
        assert response.status_code == 400
        assert response.json() == error("itemType, targetType or reportedItem is required (itemType)", field="itemType",
                                        errors=[
            {"field": "itemType", "location": "body", "message": "itemType, targetType or reportedItem is required"},
            {"field": "itemId", "location": "body", "message": "itemId, targetId or reportedItem is required"},
            {"field": "reason", "location": "body", "message": "reason or type is required"}])

    @pytest.mark.parametrize("body, message", [
        ({"itemId": NO_ID, "reason": "spam"}, "itemType, targetType or reportedItem is required (itemType)"),
        ({"targetType": "post", "reason": "spam"}, "itemId, targetId or reportedItem is required (itemId)"),
        ({"reportedItem": {"itemType": "post", "itemId": NO_ID}, "description": "x"}, "reason or type is required (reason)"),
    ])
    def test_each_missing_one_is_named(self, client, make, body, message):
        response = client.post("/api/report", headers=make.headers(), json=body)
        assert (response.status_code, response.json()["message"]) == (400, message)

    @pytest.mark.parametrize("body, field", [
        ({"reportedItem": {"itemType": "post"}, "type": "spam"}, "reportedItem.itemId"),
        ({"itemType": "message", "itemId": NO_ID, "reason": "spam"}, "itemType"),
        ({"itemType": "post", "itemId": NO_ID, "reason": "boring"}, "reason"),
        ({"itemType": "post", "itemId": NO_ID, "reason": "spam", "description": "x" * 1001}, "description"),
    ])
    def test_invalid_input_is_400(self, client, make, body, field):
        response = client.post("/api/report", headers=make.headers(), json=body)
        assert (response.status_code, response.json()["field"]) == (400, field)

    def test_unknown_item_is_404(self, client, make):
        response = client.post("/api/report", headers=make.headers(), json={
            "itemType": "post", "itemId": NO_ID, "reason": "spam"})
        assert (response.status_code, response.json()) == (404, error("Reported item not found"))

    def test_needs_a_token(self, client):
        assert client.post("/api/report", json={}).status_code == 401


class TestGetReports:
    def test_filters_sorts_and_pages(self, client, make):
        me, target = make.user(), make.user()
        post = make_post(target)
        old = make_report(me, item_type="user", item_id=target.id, reason="fraud", created_at=ago(days=1))
        new = make_report(me, item_type="post", item_id=post.id, reason="spam", priority="urgent")
        make_report(me, item_type="post", item_id=post.id, reason="spam", status="resolved")
        admin = make.headers(make.admin())
        body = client.get("/api/report?status=pending&limit=1", headers=admin).json()
        assert [r["_id"] for r in body["reports"]] == [new.id]
        assert body["pagination"] == {"page": 1, "limit": 1, "total": 2, "totalPages": 2, "pages": 2,
                                      "hasNextPage": True, "hasPrevPage": False}
        assert [r["_id"] for r in client.get("/api/report?type=fraud", headers=admin).json()["reports"]] == [old.id]
        assert [r["_id"] for r in client.get("/api/report?type=user", headers=admin).json()["reports"]] == [old.id]
        ids = [r["_id"] for r in client.get("/api/report?status=pending&sortBy=createdAt&sortOrder=asc",
                                            headers=admin).json()["reports"]]
        assert ids == [old.id, new.id]

    @pytest.mark.parametrize("query", ["status=open", "sortBy=name", "priority=x", "page=0"])
    def test_bad_query_is_400(self, client, make, query):
        assert client.get(f"/api/report?{query}", headers=make.headers(make.admin())).status_code == 400

    def test_not_an_admin_is_403(self, client, make):
        response = client.get("/api/report", headers=make.headers())
        assert (response.status_code, response.json()["code"]) == (403, "AUTH_002")

    def test_needs_a_token(self, client):
        assert client.get("/api/report").status_code == 401


class TestStats:
    def test_counts(self, client, make):
        me, target = make.user(), make.user()
        make_report(me, item_type="user", item_id=target.id, reason="fraud", priority="urgent")
        make_report(me, item_type="user", item_id=target.id, reason="spam", status="resolved", created_at=ago(days=2))
        make_report(make.user(), item_type="user", item_id=target.id, reason="spam", status="under_review",
                    priority="high")
        stats = client.get("/api/report/stats", headers=make.headers(make.admin())).json()["stats"]
        assert stats == {"total": 3, "pending": 1, "underReview": 1, "resolved": 1, "dismissed": 0, "urgent": 1,
                         "high": 1, "last24Hours": 2,
                         "byType": [{"_id": "spam", "count": 2}, {"_id": "fraud", "count": 1}],
                         "byItemType": {"user": 3, "post": 0, "product": 0, "comment": 0, "review": 0, "shop": 0}}

    def test_not_an_admin_is_403(self, client, make):
        assert client.get("/api/report/stats", headers=make.headers()).status_code == 403

    def test_needs_a_token(self, client):
        assert client.get("/api/report/stats").status_code == 401


class TestGetReport:
    def test_with_its_target(self, client, make):
        me, author = make.user(), make.user()
        post = make_post(author, caption="look")
        report = make_report(me, item_type="post", item_id=post.id)
        body = client.get(f"/api/report/{report.id}", headers=make.headers(make.admin())).json()["report"]
        assert body["target"]["caption"] == "look" and body["reporter"]["username"] == me.username

    def test_unknown_is_404(self, client, make):
        response = client.get(f"/api/report/{NO_ID}", headers=make.headers(make.admin()))
        assert (response.status_code, response.json()) == (404, error("Report not found"))

    def test_not_an_admin_is_403(self, client, make):
        assert client.get(f"/api/report/{NO_ID}", headers=make.headers()).status_code == 403

    def test_needs_a_token(self, client):
        assert client.get(f"/api/report/{NO_ID}").status_code == 401


class TestUpdateReport:
    def test_status_records_the_reviewer(self, client, make):
        admin = make.admin()
        report = make_report(make.user(), item_type="user", item_id=make.user().id)
        response = client.put(f"/api/report/{report.id}", headers=make.headers(admin), json={
            "status": "under_review", "adminNotes": "Looking", "priority": "high"})
        body = response.json()
        assert body["message"] == "Report updated successfully"
        assert (body["report"]["status"], body["report"]["adminNotes"], body["report"]["priority"],
                body["report"]["reviewedBy"]) == ("under_review", "Looking", "high", admin.id)

    @pytest.mark.parametrize("body", [{}, {"status": "closed"}, {"priority": "meh"}])
    def test_invalid_body_is_400(self, client, make, body):
        assert client.put(f"/api/report/{NO_ID}", headers=make.headers(make.admin()), json=body).status_code == 400

    def test_unknown_is_404(self, client, make):
        response = client.put(f"/api/report/{NO_ID}", headers=make.headers(make.admin()), json={"status": "dismissed"})
        assert response.status_code == 404

    def test_not_an_admin_is_403(self, client, make):
        response = client.put(f"/api/report/{NO_ID}", headers=make.headers(), json={"status": "dismissed"})
        assert response.status_code == 403

    def test_needs_a_token(self, client):
        assert client.put(f"/api/report/{NO_ID}", json={"status": "dismissed"}).status_code == 401


class TestModerate:
    def test_suspend_refuses_the_user_until_it_lapses(self, client, make):
        admin, reporter, offender = make.admin(), make.user(), make.user()
        report = make_report(reporter, item_type="user", item_id=offender.id)
        response = client.post(f"/api/report/{report.id}/moderate", headers=make.headers(admin),
                               json={"action": "suspend_user", "duration": 3, "reason": "Spam"})
        assert response.status_code == 200
        body = response.json()
        assert (body["message"], body["result"]["action"], body["result"]["status"], body["report"]["status"],
                body["report"]["actionTaken"], body["report"]["adminNotes"]) == (
            "Moderation action completed", "suspend_user", "suspended", "resolved", "user_suspended", "Spam")
        [note] = make.notifications(offender)
        assert (note.type, note.title) == ("warning", "Account Suspended ⚠️")
        refused = client.get("/api/user/me", headers=make.headers(offender))
        assert (refused.status_code, refused.json()["code"]) == (403, "USER_002")
        make.set(offender, suspended_until=utcnow() - dt.timedelta(minutes=1))
        assert client.get("/api/user/me", headers=make.headers(offender)).status_code == 200
        assert make.reload(offender).status == "active"

    def test_ban_the_author_of_a_post(self, client, make):
        author = make.user()
        report = make_report(make.user(), item_type="post", item_id=make_post(author).id)
        client.post(f"/api/report/{report.id}/moderate", headers=make.headers(make.admin()),
                    json={"action": "ban_user"})
        account = make.reload(author)
        assert (account.status, account.ban_reason) == ("banned", "Violation of community guidelines")
        assert make.notifications(author)[0].title == "Account Banned 🚫"

    def test_remove_content_hides_a_post(self, client, make):
        post = make_post(make.user())
        report = make_report(make.user(), item_type="post", item_id=post.id)
        response = client.post(f"/api/report/{report.id}/moderate", headers=make.headers(make.admin()),
                               json={"action": "remove_content"})
        assert response.json()["result"]["removed"] is True
        assert load(post.id).is_hidden
        assert client.get(f"/api/post/{post.id}", headers=make.headers()).status_code == 404

    def test_remove_content_deletes_a_comment(self, client, make):
        post = make_post(make.user())
        comment = make_comment(make.user(), post)
        report = make_report(make.user(), item_type="comment", item_id=comment.id)
        client.post(f"/api/report/{report.id}/moderate", headers=make.headers(make.admin()),
                    json={"action": "remove_content"})
        assert load(post.id).comments_count == 0

    def test_warn_notifies_the_author_and_publishes(self, client, make, published):
        author = make.user()
        report = make_report(make.user(), item_type="post", item_id=make_post(author).id)
        client.post(f"/api/report/{report.id}/moderate", headers=make.headers(make.admin()),
                    json={"action": "warn_user", "reason": "Keep it civil"})
        [note] = make.notifications(author)
        assert (note.title, note.message, note.data["action"]) == (
            "Post Content Warning ⚠️", "Keep it civil", "warning")
        assert [(users, event) for users, event, _ in published()] == [([author.id], "notification")]

    def test_rules(self, client, make):
        admin = make.admin()
        headers = make.headers(admin)
        on_admin = make_report(make.user(), item_type="user", item_id=make.admin().id)
        response = client.post(f"/api/report/{on_admin.id}/moderate", headers=headers, json={"action": "ban_user"})
        assert (response.status_code, response.json()["message"]) == (400, "Cannot suspend admin users")
        on_user = make_report(make.user(), item_type="user", item_id=make.user().id)
        for action, message in (("suspend_shop", "The reported account is not a shop"),
                                ("remove_content",
                                 "Content removal applies to posts, products and comments, not to a user")):
            response = client.post(f"/api/report/{on_user.id}/moderate", headers=headers, json={"action": action})
            assert (response.status_code, response.json()["message"]) == (400, message)
        assert stored(on_user.id).status == "pending"
        closed = make_report(make.user(), item_type="user", item_id=make.user().id, status="resolved")
        response = client.post(f"/api/report/{closed.id}/moderate", headers=headers, json={"action": "warn_user"})
        assert response.status_code == 409

    @pytest.mark.parametrize("body, field", [({}, "action"), ({"action": "nuke"}, "action"),
                                             ({"action": "suspend_user", "duration": 0}, "duration")])
    def test_invalid_body_is_400(self, client, make, body, field):
        response = client.post(f"/api/report/{NO_ID}/moderate", headers=make.headers(make.admin()), json=body)
        assert (response.status_code, response.json()["field"]) == (400, field)

    def test_unknown_is_404(self, client, make):
        response = client.post(f"/api/report/{NO_ID}/moderate", headers=make.headers(make.admin()),
                               json={"action": "warn_user"})
        assert response.status_code == 404

    def test_not_an_admin_is_403(self, client, make):
        assert client.post(f"/api/report/{NO_ID}/moderate", headers=make.headers(),
                           json={"action": "warn_user"}).status_code == 403

    def test_needs_a_token(self, client):
        assert client.post(f"/api/report/{NO_ID}/moderate", json={"action": "warn_user"}).status_code == 401


class TestCleanup:
    def test_removes_closed_reports_older_than_a_week(self, client, make):
        me, target = make.user(), make.user()
        gone = [make_report(me, item_type="user", item_id=target.id, status=s, created_at=ago(days=8))
                for s in ("resolved", "dismissed")]
        kept = [make_report(me, item_type="user", item_id=target.id, status="pending", created_at=ago(days=30)),
                make_report(me, item_type="user", item_id=target.id, status="resolved", created_at=ago(days=6))]
        response = client.delete("/api/report/cleanup", headers=make.headers(make.admin()))
        assert response.json() == {"status": True, "message": "Cleaned up 2 old reports", "deletedCount": 2}
        assert [stored(r.id) for r in gone] == [None, None]
        assert all(stored(r.id) for r in kept)

    def test_the_job_does_the_same(self, make):
        me, target = make.user(), make.user()
        old = make_report(me, item_type="user", item_id=target.id, status="dismissed", created_at=ago(days=3))
        [job] = [j for j in PRODUCT.jobs if j.name == "report-cleanup"]
        assert job.run(database, utcnow()) == {"deleted": 0}
        assert job.run(database, utcnow() + dt.timedelta(days=5)) == {"deleted": 1}
        assert stored(old.id) is None

    def test_not_an_admin_is_403(self, client, make):
        assert client.delete("/api/report/cleanup", headers=make.headers()).status_code == 403

    def test_needs_a_token(self, client):
        assert client.delete("/api/report/cleanup").status_code == 401
