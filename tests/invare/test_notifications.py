"""Notifications: what other areas record, listed to its recipient only, marked read, pushed."""
import uuid

from tests.invare.comms_support import notify, pushes, topic
from tests.invare.conftest import error, invalid


class TestListNotifications:
    def test_newest_first_with_order(self, client, member):
        order_id = str(uuid.uuid4())
        first = notify(member.user, orderId=order_id)
        second = notify(member.user, type="shipment_created", title="Shipment created", body="On its way")
        listed = client.get("/notifications", headers=member.headers).json()
        assert [n["id"] for n in listed] == [str(second.id), str(first.id)]
        assert {k: listed[1][k] for k in ("title", "message", "type", "read", "readAt", "order")} == {
            "title": "Payment received", "message": "Order ORD-1 has been paid", "type": "order_paid",
            "read": False, "readAt": None, "order": {"id": order_id}}
        assert listed[0]["order"] is None
        assert len(client.get("/notifications?page=2&limit=1", headers=member.headers).json()) == 1
        assert len(client.get("/notifications?read=false", headers=member.headers).json()) == 2

    def test_only_the_recipient(self, client, member, other_member):
        notify(member.user)
        assert client.get("/notifications", headers=other_member.headers).json() == []

    def test_pushed_to_the_user_topic_after_commit(self, member):
        row = notify(member.user, orderId="o-1")
        [push] = pushes(topic("user", member.id))
        assert push["title"] == "Payment received" and push["body"] == "Order ORD-1 has been paid"
        assert push["data"] == {"type": "order_paid", "notificationId": str(row.id), "orderId": "o-1"}

    def test_needs_a_token(self, client):
        assert client.get("/notifications").status_code == 401


class TestMarkRead:
    def test_mark_read(self, client, member):
        row = notify(member.user)
        response = client.patch(f"/notifications/{row.id}/read", headers=member.headers)
        assert response.status_code == 200
        assert response.json()["id"] == str(row.id) and response.json()["read"] is True and response.json()["readAt"]
        again = client.patch(f"/notifications/{row.id}/read", headers=member.headers)
        assert again.json() == response.json()

    def test_someone_elses_is_not_found(self, client, member, other_member):
        row = notify(member.user)
        response = client.patch(f"/notifications/{row.id}/read", headers=other_member.headers)
        assert response.json() == error(404, "Notification not found", "Not Found")
        assert client.get("/notifications", headers=member.headers).json()[0]["read"] is False

    def test_bad_id_and_no_token(self, client, member):
        assert client.patch("/notifications/x/read", headers=member.headers).json() == invalid("id must be a UUID")
        assert client.patch(f"/notifications/{uuid.uuid4()}/read").status_code == 401


class TestMarkAllRead:
    def test_read_all_only_mine(self, client, member, other_member):
        notify(member.user)
        notify(member.user)
        theirs = notify(other_member.user)
        response = client.patch("/notifications/read-all", headers=member.headers)
        assert response.json() == {"success": True, "updated": 2}
        assert all(n["read"] for n in client.get("/notifications", headers=member.headers).json())
        assert client.get("/notifications", headers=other_member.headers).json()[0]["id"] == str(theirs.id)
        assert client.get("/notifications", headers=other_member.headers).json()[0]["read"] is False
        assert client.patch("/notifications/read-all").status_code == 401


class TestSubscribe:
    def test_device_to_the_user_topic(self, client, member):
        response = client.post("/notifications/subscribe", json={"deviceToken": "fcm-1"}, headers=member.headers)
        assert response.json() == {"success": True}
        assert [(p["kind"], p["tokens"]) for p in pushes(topic("user", member.id))] == [("subscribe", ["fcm-1"])]

    def test_bad_input_and_no_token(self, client, member):
        response = client.post("/notifications/subscribe", json={}, headers=member.headers)
        assert response.json() == invalid("deviceToken should not be empty")
        assert client.post("/notifications/subscribe", json={"deviceToken": "x"}).status_code == 401


class TestNotificationsJourney:
    """The client's journey 8: GET /notifications -> PATCH /notifications/:id/read / read-all."""

    def test_read_one_then_all(self, client, member):
        rows = [notify(member.user, type=kind) for kind in ("order_paid", "payment_failed", "shipment_updated")]
        listed = client.get("/notifications", headers=member.headers).json()
        assert [n["type"] for n in listed] == ["shipment_updated", "payment_failed", "order_paid"]
        client.patch(f"/notifications/{rows[0].id}/read", headers=member.headers)
        assert client.get("/notifications?read=false", headers=member.headers).json().__len__() == 2
        assert client.patch("/notifications/read-all", headers=member.headers).json()["updated"] == 2
