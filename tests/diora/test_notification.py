"""The notification list, marking read, deleting, and the administrators' add."""
import pytest

from models.diora import database, notifications
from tests.diora.conftest import error

NO_ID = "0" * 24


def send(user, title="Hello", *, actor=None, type="system"):
    with database.unit_of_work() as uow:
        note = notifications.notify(uow.session, recipient_id=user.id, type=type, title=title, message="Hi there",
                                    actor_id=actor.id if actor else None, force=True)
        uow.commit()
    return note


class TestGetNotifications:
    def test_newest_first_with_unread_count_and_paging(self, client, make):
        me, other = make.user(), make.user()
        first, second, third = send(me, "one"), send(me, "two"), send(me, "three")
        send(other, "not mine")
        client.patch(f"/api/notification/mark-as-read/{second.id}", headers=make.headers(me))
        body = client.get("/api/notification?limit=2", headers=make.headers(me)).json()
        assert [n["title"] for n in body["notifications"]] == ["two", "three"]
        assert body["unreadCount"] == 2
        assert body["pagination"] == {"page": 1, "limit": 2, "total": 3, "totalPages": 2, "hasNextPage": True,
                                      "hasPrevPage": False}
        item = body["notifications"][1]
        assert item == {"_id": third.id, "userId": me.id, "fromUserId": None, "fromUserIds": [], "type": "system",
                        "title": "three", "message": "Hi there", "read": False, "isRead": False, "postId": None,
                        "productId": None, "commentId": None, "orderId": None, "avatar": None, "actionUrl": None,
                        "imageUrl": None, "data": None, "createdAt": item["createdAt"], "updatedAt": item["updatedAt"]}
        unread = client.get("/api/notification?unreadOnly=true", headers=make.headers(me)).json()
        assert [n["_id"] for n in unread["notifications"]] == [third.id, first.id]

    def test_empty(self, client, make):
        body = client.get("/api/notification/", headers=make.headers()).json()
        assert (body["message"], body["notifications"], body["unreadCount"]) == ("No notifications found", [], 0)

    @pytest.mark.parametrize("query", ["page=0", "limit=500", "unreadOnly=maybe"])
    def test_bad_query_is_400(self, client, make, query):
        assert client.get(f"/api/notification?{query}", headers=make.headers()).status_code == 400

    def test_needs_a_token(self, client):
        assert client.get("/api/notification").status_code == 401


class TestMarkAsRead:
    def test_marks_ones_own(self, client, make):
        me = make.user()
        note = send(me)
        response = client.patch(f"/api/notification/mark-as-read/{note.id}", headers=make.headers(me))
        body = response.json()
        assert (response.status_code, body["message"], body["notification"]["read"]) == (
            200, "Notification marked as read", True)

    def test_another_users_is_404(self, client, make):
        note = send(make.user())
        response = client.patch(f"/api/notification/mark-as-read/{note.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, error("Notification not found"))
        assert make.notifications(make.reload(type("U", (), {"id": note.user_id})))[0].read is False

    def test_needs_a_token(self, client):
        assert client.patch(f"/api/notification/mark-as-read/{NO_ID}").status_code == 401


class TestMarkAllAsRead:
    def test_marks_only_the_callers(self, client, make):
        me, other = make.user(), make.user()
        send(me), send(me), send(other)
        response = client.patch("/api/notification/mark-all-as-read", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "All notifications marked as read", "updated": 2}
        assert all(n.read for n in make.notifications(me))
        assert not make.notifications(other)[0].read

    def test_needs_a_token(self, client):
        assert client.patch("/api/notification/mark-all-as-read").status_code == 401


class TestDeleteNotification:
    def test_deletes_ones_own(self, client, make):
        me = make.user()
        note = send(me)
        response = client.delete(f"/api/notification/delete/{note.id}", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "Notification deleted successfully"}
        assert make.notifications(me) == []

    def test_another_users_is_404(self, client, make):
        owner = make.user()
        note = send(owner)
        response = client.delete(f"/api/notification/delete/{note.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, error("Notification not found"))
        assert len(make.notifications(owner)) == 1

    def test_needs_a_token(self, client):
        assert client.delete(f"/api/notification/delete/{NO_ID}").status_code == 401


class TestAddNotification:
    def test_an_admin_sends_one_and_it_is_published(self, client, make, published):
        admin, target = make.admin(), make.user()
        response = client.post("/api/notification/add", headers=make.headers(admin), json={
            "userId": target.id, "type": "system", "title": "Welcome", "message": "Hello", "data": {"k": 1}})
        assert response.status_code == 201
        body = response.json()
        assert (body["message"], body["notification"]["title"], body["notification"]["fromUserId"],
                body["notification"]["data"]) == ("Notification created successfully", "Welcome", admin.id, {"k": 1})
        assert [(users, event) for users, event, _ in published()] == [([target.id], "notification")]

    def test_an_unknown_sender_is_400_and_changes_nothing(self, client, make):
        admin, target = make.admin(), make.user()
        response = client.post("/api/notification/add", headers=make.headers(admin), json={
            "userId": target.id, "type": "follow", "title": "Hi", "message": "Hello", "fromUserId": "3846b1839e90c43f5f987761"})
        assert (response.status_code, response.json()) == (400, {"status": False,
                                                                 "message": "A referenced object does not exist."})
        assert make.notifications(target) == []

    def test_a_suspended_recipient_or_a_switched_off_type_gets_nothing(self, client, make):
        admin, suspended, quiet = make.admin(), make.user(), make.user()
        make.suspend(suspended)
        make.set(quiet, notification_settings={"likes": False})
        for target, message in ((suspended, "User status prevents notification delivery"),
                                (quiet, "Notification type disabled for user")):
            response = client.post("/api/notification/add", headers=make.headers(admin), json={
                "userId": target.id, "type": "like", "title": "t", "message": "m"})
            assert (response.status_code, response.json()) == (
                200, {"status": True, "message": message})
            assert make.notifications(target) == []

    @pytest.mark.parametrize("body, field", [
        ({"type": "system", "title": "t", "message": "m"}, "userId"),
        ({"userId": NO_ID, "type": "party", "title": "t", "message": "m"}, "type"),
        ({"userId": NO_ID, "type": "system", "message": "m"}, "title"),
        ({"userId": NO_ID, "type": "system", "title": "t", "message": ""}, "message"),
    ])
    def test_invalid_body_is_400(self, client, make, body, field):
        response = client.post("/api/notification/add", headers=make.headers(make.admin()), json=body)
        assert (response.status_code, response.json()["field"]) == (400, field)

    def test_unknown_user_is_404(self, client, make):
        response = client.post("/api/notification/add", headers=make.headers(make.admin()), json={
            "userId": NO_ID, "type": "system", "title": "t", "message": "m"})
        assert response.status_code == 404

    def test_not_an_admin_is_403(self, client, make):
        response = client.post("/api/notification/add", headers=make.headers(), json={
            "userId": NO_ID, "type": "system", "title": "t", "message": "m"})
        assert (response.status_code, response.json()["code"]) == (403, "AUTH_002")

    def test_needs_a_token(self, client):
        assert client.post("/api/notification/add", json={}).status_code == 401
