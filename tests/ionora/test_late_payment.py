"""A payment captured after its order was cancelled is refunded through Razorpay and recorded (verify
endpoint and the payment.captured webhook; the fake and the real adapter against the local stub), and
the fake's secrets are generated per installation."""
import os
import stat

import pytest

from integrations import razorpay as rzp
from integrations.payments_stub import RazorpayStub
from integrations.razorpay import RazorpayConfig, RazorpayGateway, payment_signature, webhook_signature
from models.ionora import database, orders
from models.ionora.entities import OrderTracking, WebhookEvent
from models.ionora.payments import REFUND_UNAVAILABLE, REFUNDED
from server.products.ionora import PRODUCT
from tests.ionora.conftest import bearer, webhook_body

WEBHOOK_REFUNDED = {"message": "Payment refunded: the order was cancelled."}
KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_stub", "stub-key-secret-123", "stub-webhook-secret-456"


@pytest.fixture(autouse=True)
def no_refunds_yet(ionora):
    PRODUCT.runtime.payments.refunds.clear()


def cancelled_order(make, user):
    order = make.order(user)
    with database.unit_of_work() as uow:
        orders.cancel(uow.session, user_id=user.id, order_id=order.id)
        uow.commit()
    return make.reload_order(order)


def verify(client, user, order, payment_id, signature):
    return client.post("/api/payment/verify", headers=bearer(user), json={
        "razorpay_order_id": order.razorpay_order_id, "razorpay_payment_id": payment_id,
        "razorpay_signature": signature})


def send_webhook(client, body, signature, event_id):
    return client.post("/api/payment/webhooks/payment", content=body, headers={
        "Content-Type": "application/json", "X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": event_id})


def settled(make, order):
    order = make.reload_order(order)
    return order.status, order.payment_status, order.payment_id, order.refund_id


def event_outcome(event_id):
    with database.unit_of_work() as uow:
        return uow.session.query(WebhookEvent).filter_by(event_id=event_id).one().outcome


def paise(order):
    return int(order.total_amount * 100)


class TestLateCaptureOnVerify:
    def test_is_refunded_and_recorded(self, client, make, gateway):
        user = make.user()
        order = cancelled_order(make, user)
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        response = verify(client, user, order, payment_id, signature)
        assert (response.status_code, response.json()) == (200, {"message": REFUNDED})
        refund = gateway.refunds[payment_id]
        assert (refund["amount"], refund["notes"]) == (paise(order), {"order_id": str(order.id),
                                                                      "reason": "order cancelled"})
        assert settled(make, order) == ("cancelled", "refunded", payment_id, refund["id"])
        with database.unit_of_work() as uow:
            history = [(t.status, t.description) for t in uow.session.query(OrderTracking).filter_by(
                order_id=order.id)]
        assert history[-1] == (
            "cancelled", f"Payment {payment_id} captured after cancellation (verify); refunded as {refund['id']}")

    def test_a_repeat_does_not_refund_twice(self, client, make, gateway):
        user = make.user()
        order = cancelled_order(make, user)
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        verify(client, user, order, payment_id, signature)
        again = verify(client, user, order, payment_id, signature)
        assert (again.status_code, again.json()) == (200, {"message": "Payment already verified."})
        assert list(gateway.refunds) == [payment_id]

    def test_provider_failure_is_502_and_leaves_no_paid_cancelled_order(self, client, make, gateway):
        user = make.user()
        order = cancelled_order(make, user)
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        gateway.fail_next = 1
        response = verify(client, user, order, payment_id, signature)
        assert (response.status_code, response.json()) == (502, {"message": REFUND_UNAVAILABLE})
        assert settled(make, order)[:2] == ("cancelled", "pending")
        retry = verify(client, user, order, payment_id, signature)
        assert retry.json() == {"message": REFUNDED}
        assert settled(make, order) == ("cancelled", "refunded", payment_id, gateway.refunds[payment_id]["id"])


class TestLateCaptureOnWebhook:
    def test_is_refunded_and_recorded_once(self, client, make, gateway):
        order = cancelled_order(make, make.user())
        body = webhook_body(order_id=order.razorpay_order_id, payment_id="pay_LATE1", amount=paise(order))
        response = send_webhook(client, body, gateway.sign_webhook(body), "evt_late_1")
        assert (response.status_code, response.json()) == (200, WEBHOOK_REFUNDED)
        assert settled(make, order) == ("cancelled", "refunded", "pay_LATE1", gateway.refunds["pay_LATE1"]["id"])
        assert gateway.refunds["pay_LATE1"]["amount"] == paise(order)
        assert event_outcome("evt_late_1") == "refunded"
        for event_id in ("evt_late_1", "evt_late_2"):
            again = send_webhook(client, body, gateway.sign_webhook(body), event_id)
            assert again.json() == {"message": "Webhook already processed."}
        assert list(gateway.refunds) == ["pay_LATE1"]

    def test_a_failed_refund_is_retried_on_redelivery(self, client, make, gateway):
        order = cancelled_order(make, make.user())
        body = webhook_body(order_id=order.razorpay_order_id, payment_id="pay_LATE2", amount=paise(order))
        gateway.fail_next = 1
        response = send_webhook(client, body, gateway.sign_webhook(body), "evt_late_3")
        assert (response.status_code, response.json()) == (502, {"message": REFUND_UNAVAILABLE})
        assert settled(make, order)[:2] == ("cancelled", "pending")
        assert event_outcome("evt_late_3") == "refund_due"
        redelivered = send_webhook(client, body, gateway.sign_webhook(body), "evt_late_3")
        assert (redelivered.status_code, redelivered.json()) == (200, WEBHOOK_REFUNDED)
        assert settled(make, order) == ("cancelled", "refunded", "pay_LATE2", gateway.refunds["pay_LATE2"]["id"])
        assert event_outcome("evt_late_3") == "refunded"

    def test_verify_then_webhook_refund_once(self, client, make, gateway):
        user = make.user()
        order = cancelled_order(make, user)
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        verify(client, user, order, payment_id, signature)
        body = webhook_body(order_id=order.razorpay_order_id, payment_id=payment_id, amount=paise(order))
        assert send_webhook(client, body, gateway.sign_webhook(body), "evt_late_4").json() == {
            "message": "Webhook already processed."}
        assert list(gateway.refunds) == [payment_id]

    def test_a_paid_order_is_still_confirmed(self, client, make, gateway):
        order = make.order(make.user())
        body = webhook_body(order_id=order.razorpay_order_id, payment_id="pay_ON_TIME")
        assert send_webhook(client, body, gateway.sign_webhook(body), "evt_ok").json() == {
            "message": "Payment captured."}
        assert settled(make, order) == ("confirmed", "paid", "pay_ON_TIME", None)
        assert gateway.refunds == {}


@pytest.fixture
def stub():
    with RazorpayStub(KEY_ID, KEY_SECRET) as running:
        yield running


@pytest.fixture
def real_gateway(stub, ionora):
    saved = PRODUCT.runtime.payments
    PRODUCT.runtime.payments = RazorpayGateway(RazorpayConfig(key_id=KEY_ID, key_secret=KEY_SECRET,
                                                              webhook_secret=WEBHOOK_SECRET, mode="live",
                                                              base_url=stub.base_url, timeout=5))
    yield PRODUCT.runtime.payments
    PRODUCT.runtime.payments = saved


class TestLateCaptureWithTheRealAdapter:
    def test_refund_goes_through_the_sdk(self, stub):
        gateway = RazorpayGateway(RazorpayConfig(key_id=KEY_ID, key_secret=KEY_SECRET, webhook_secret=WEBHOOK_SECRET,
                                                 mode="live", base_url=stub.base_url, timeout=5))
        refund = gateway.refund(payment_id="pay_SDK1", amount=12345, notes={"order_id": "x"})
        assert refund["id"].startswith("rfnd_") and refund["payment_id"] == "pay_SDK1"
        ((path, authorized, payload),) = stub.requests
        assert (path, authorized, payload) == ("/v1/payments/pay_SDK1/refund", True,
                                               {"amount": 12345, "speed": "normal", "notes": {"order_id": "x"}})
        with pytest.raises(rzp.PaymentGatewayError):
            gateway.refund(payment_id="pay_SDK1", amount=12345)

    def test_verify_after_cancel_refunds_through_the_provider(self, client, make, stub, real_gateway):
        user = make.user()
        order = cancelled_order(make, user)
        response = verify(client, user, order, "pay_REAL1", payment_signature(KEY_SECRET, order.razorpay_order_id,
                                                                             "pay_REAL1"))
        assert (response.status_code, response.json()) == (200, {"message": REFUNDED})
        refunds = [(path, body["amount"]) for path, _, body in stub.requests if path.endswith("/refund")]
        assert refunds == [("/v1/payments/pay_REAL1/refund", paise(order))]
        status, payment_status, payment_id, refund_id = settled(make, order)
        assert (status, payment_status, payment_id) == ("cancelled", "refunded", "pay_REAL1")
        assert refund_id.startswith("rfnd_")

    def test_webhook_after_cancel_refunds_and_an_outage_is_retried(self, client, make, stub, real_gateway):
        order = cancelled_order(make, make.user())
        body = webhook_body(order_id=order.razorpay_order_id, payment_id="pay_REAL2", amount=paise(order))
        signature = webhook_signature(WEBHOOK_SECRET, body)
        stub.fail_with = 500
        assert send_webhook(client, body, signature, "evt_real").status_code == 502
        assert settled(make, order)[:2] == ("cancelled", "pending")
        stub.fail_with = None
        assert send_webhook(client, body, signature, "evt_real").json() == WEBHOOK_REFUNDED
        assert settled(make, order)[:3] == ("cancelled", "refunded", "pay_REAL2")


class TestDevelopmentSecrets:
    """The fake's key and webhook secrets are generated once per installation, never a constant."""

    def test_generated_once_per_installation(self, tmp_path):
        first = RazorpayConfig.from_env({}, secrets_dir=tmp_path / "a")
        again = RazorpayConfig.from_env({}, secrets_dir=tmp_path / "a")
        other = RazorpayConfig.from_env({}, secrets_dir=tmp_path / "b")
        assert (again.key_secret, again.webhook_secret) == (first.key_secret, first.webhook_secret)
        assert other.webhook_secret != first.webhook_secret and other.key_secret != first.key_secret
        assert first.webhook_secret != first.key_secret
        assert len(first.webhook_secret) >= 48 and len(first.key_secret) >= 48
        for path in (tmp_path / "a").iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_no_published_constant(self, tmp_path):
        assert not [name for name in vars(rzp) if "SECRET" in name]
        config = RazorpayConfig.from_env({}, secrets_dir=tmp_path)
        assert "ionora-fake" not in config.webhook_secret + config.key_secret

    def test_environment_wins(self, tmp_path):
        config = RazorpayConfig.from_env({"RAZORPAY_WEBHOOK_SECRET": "w" * 40, "RAZORPAY_KEY_SECRET": "k" * 40},
                                         secrets_dir=tmp_path)
        assert (config.webhook_secret, config.key_secret) == ("w" * 40, "k" * 40)
        assert list(tmp_path.iterdir()) == []

    def test_the_cli_signs_what_the_app_accepts(self, client, make, gateway, tmp_path, capsys, monkeypatch):
        for name in ("RAZORPAY_WEBHOOK_SECRET", "RAZORPAY_KEY_SECRET", "RAZORPAY_MODE"):
            monkeypatch.delenv(name, raising=False)
        order = make.order(make.user())
        body = webhook_body(order_id=order.razorpay_order_id, payment_id="pay_CLI")
        (tmp_path / "payload.json").write_bytes(body)
        assert rzp.main(["sign-webhook", "--file", str(tmp_path / "payload.json")]) == 0
        signature = capsys.readouterr().out.strip()
        assert gateway.verify_webhook(body=body, signature=signature)
        assert send_webhook(client, body, signature, "evt_cli").json() == {"message": "Payment captured."}
