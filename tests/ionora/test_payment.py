"""Standalone payment routes and the webhook (tag Payment)."""
import pytest

from models.ionora import database
from models.ionora.entities import WebhookEvent
from tests.ionora.conftest import bearer, webhook_body

GONE = "00000000-0000-4000-8000-000000000000"


class TestCreatePaymentOrder:
    def test_opens_a_new_razorpay_order_for_the_total(self, client, make, gateway):
        user = make.user()
        order = make.order(user)
        response = client.post("/api/payment/create-order", headers=bearer(user),
                               json={"order_id": str(order.id), "amount": float(order.total_amount)})
        assert response.status_code == 200
        body = response.json()
        assert body == {"razorpay_order_id": body["razorpay_order_id"], "amount": int(order.total_amount * 100),
                        "currency": "INR", "key_id": gateway.key_id}
        assert body["razorpay_order_id"] != order.razorpay_order_id
        assert make.reload_order(order).razorpay_order_id == body["razorpay_order_id"]

    def test_wrong_amount_is_400(self, client, make):
        user = make.user()
        order = make.order(user)
        response = client.post("/api/payment/create-order", headers=bearer(user),
                               json={"order_id": str(order.id), "amount": 1})
        assert response.status_code == 400
        assert response.json()["message"].startswith("Amount does not match the order total")

    def test_paid_order_is_400(self, client, make):
        user = make.user()
        order = make.order(user, paid=True)
        response = client.post("/api/payment/create-order", headers=bearer(user),
                               json={"order_id": str(order.id), "amount": float(order.total_amount)})
        assert (response.status_code, response.json()) == (400, {"message": "Order has already been paid."})

    def test_another_users_order_is_403(self, client, make):
        order = make.order(make.user())
        response = client.post("/api/payment/create-order", headers=make.headers(),
                               json={"order_id": str(order.id), "amount": float(order.total_amount)})
        assert (response.status_code, response.json()) == (403, {"message": "You are not authorized to pay for this order."})

    def test_unknown_order_is_404(self, client, make):
        response = client.post("/api/payment/create-order", headers=make.headers(), json={"order_id": GONE, "amount": 10})
        assert (response.status_code, response.json()) == (404, {"message": "Order not found."})

    def test_provider_failure_is_502(self, client, make, gateway):
        user = make.user()
        order = make.order(user)
        gateway.fail_next = 1
        response = client.post("/api/payment/create-order", headers=bearer(user),
                               json={"order_id": str(order.id), "amount": float(order.total_amount)})
        assert response.status_code == 502
        assert make.reload_order(order).razorpay_order_id == order.razorpay_order_id

    def test_amount_below_one_is_400(self, client, make):
        response = client.post("/api/payment/create-order", headers=make.headers(), json={"order_id": GONE, "amount": 0.5})
        assert response.json()["errors"][0]["param"] == "amount"

    def test_no_token_is_401(self, client):
        assert client.post("/api/payment/create-order", json={"order_id": GONE, "amount": 10}).status_code == 401


class TestVerifyPayment:
    def _verify(self, client, user, razorpay_order_id, payment_id, signature):
        return client.post("/api/payment/verify", headers=bearer(user), json={
            "razorpay_order_id": razorpay_order_id, "razorpay_payment_id": payment_id,
            "razorpay_signature": signature})

    def test_records_the_payment_once(self, client, make, gateway):
        user = make.user()
        order = make.order(user)
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        response = self._verify(client, user, order.razorpay_order_id, payment_id, signature)
        assert (response.status_code, response.json()) == (200, {"message": "Payment verified successfully."})
        reloaded = make.reload_order(order)
        assert (reloaded.status, reloaded.payment_status, reloaded.payment_id) == ("confirmed", "paid", payment_id)
        again = self._verify(client, user, order.razorpay_order_id, payment_id, signature)
        assert again.json() == {"message": "Payment already verified."}

    def test_invalid_signature_is_400(self, client, make):
        user = make.user()
        order = make.order(user)
        response = self._verify(client, user, order.razorpay_order_id, "pay_1", "bad")
        assert (response.status_code, response.json()) == (400, {"message": "Invalid payment signature."})

    def test_unknown_razorpay_order_is_404(self, client, make, gateway):
        payment_id, signature = gateway.sign_payment("order_unknown")
        response = self._verify(client, make.user(), "order_unknown", payment_id, signature)
        assert (response.status_code, response.json()) == (404, {"message": "Order not found."})

    def test_another_users_order_is_403(self, client, make, gateway):
        order = make.order(make.user())
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        response = self._verify(client, make.user(), order.razorpay_order_id, payment_id, signature)
        assert (response.status_code, response.json()) == (403, {"message": "You are not authorized to verify this order."})

    def test_missing_field_is_400(self, client, make):
        response = client.post("/api/payment/verify", headers=make.headers(), json={"razorpay_order_id": "o"})
        assert {e["param"] for e in response.json()["errors"]} == {"razorpay_payment_id", "razorpay_signature"}

    def test_no_token_is_401(self, client):
        assert client.post("/api/payment/verify", json={}).status_code == 401


def _events():
    with database.unit_of_work() as uow:
        rows = [(e.event_id, e.event, e.outcome) for e in uow.session.query(WebhookEvent).order_by(WebhookEvent.received_at)]
    return rows


class TestReceiveWebhook:
    def _send(self, client, body, signature, event_id=None):
        headers = {"Content-Type": "application/json", "X-Razorpay-Signature": signature}
        if event_id:
            headers["X-Razorpay-Event-Id"] = event_id
        return client.post("/api/payment/webhooks/payment", content=body, headers=headers)

    def test_payment_captured_marks_the_order_paid_once(self, client, make, gateway):
        order = make.order(make.user())
        body = webhook_body(order_id=order.razorpay_order_id, payment_id="pay_W1")
        response = self._send(client, body, gateway.sign_webhook(body), "evt_1")
        assert (response.status_code, response.json()) == (200, {"message": "Payment captured."})
        reloaded = make.reload_order(order)
        assert (reloaded.status, reloaded.payment_status, reloaded.payment_id) == ("confirmed", "paid", "pay_W1")
        again = self._send(client, body, gateway.sign_webhook(body), "evt_1")
        assert again.json() == {"message": "Webhook already processed."}
        other_id = self._send(client, body, gateway.sign_webhook(body), "evt_2")
        assert other_id.json() == {"message": "Webhook already processed."}
        assert _events() == [("evt_1", "payment.captured", "captured"), ("evt_2", "payment.captured", "already_paid")]

    def test_signature_is_over_the_raw_body(self, client, make, gateway):
        order = make.order(make.user())
        raw = (b'{ "event" : "payment.captured", "payload": {"payment": {"entity": '
               b'{"id": "pay_R", "order_id": "' + order.razorpay_order_id.encode() + b'"}}}}')
        response = self._send(client, raw, gateway.sign_webhook(raw))
        assert response.json() == {"message": "Payment captured."}

    def test_invalid_signature_is_400(self, client, make, gateway):
        body = webhook_body()
        response = self._send(client, body, gateway.sign_webhook(body + b" "))
        assert (response.status_code, response.json()) == (400, {"message": "Invalid webhook signature."})
        assert _events() == []

    def test_missing_signature_is_400(self, client, ionora):
        response = client.post("/api/payment/webhooks/payment", json={"event": "payment.captured"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == "X-Razorpay-Signature"

    def test_other_events_are_logged_and_acknowledged(self, client, gateway, ionora):
        body = webhook_body(event="payment.failed")
        response = self._send(client, body, gateway.sign_webhook(body), "evt_f")
        assert response.json() == {"message": "Webhook received."}
        assert _events() == [("evt_f", "payment.failed", "ignored")]

    def test_unknown_order_is_acknowledged(self, client, gateway, ionora):
        body = webhook_body(order_id="order_nobody")
        assert self._send(client, body, gateway.sign_webhook(body)).json() == {"message": "Webhook processed."}

    @pytest.mark.parametrize("payload", [
        pytest.param(b'{"event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_1"}}}}', id="no order id"),
        pytest.param(b'{"payload":{}}', id="no event"),
    ])
    def test_invalid_payload_is_400(self, client, gateway, ionora, payload):
        response = self._send(client, payload, gateway.sign_webhook(payload))
        assert (response.status_code, response.json()) == (400, {"message": "Invalid webhook payload."})
