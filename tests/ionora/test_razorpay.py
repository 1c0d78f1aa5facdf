"""The Razorpay adapters: the real one (razorpay SDK) against a local stub of the HTTP API, and
signatures checked against Razorpay's own algorithm (the SDK's utility) in both directions."""
import hashlib
import hmac

import pytest
import razorpay

from integrations.payments_stub import RazorpayStub
from integrations.razorpay import (
    ConfigurationError, FakeRazorpay, PaymentGatewayError, RazorpayConfig, RazorpayGateway, gateway_from_env,
    payment_signature, webhook_signature,
)

KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_abc", "key-secret-123", "whsec-456"


def config(**overrides):
    values = dict(key_id=KEY_ID, key_secret=KEY_SECRET, webhook_secret=WEBHOOK_SECRET, mode="live", timeout=5)
    values.update(overrides)
    return RazorpayConfig(**values)


@pytest.fixture
def stub():
    with RazorpayStub(KEY_ID, KEY_SECRET) as running:
        yield running


class TestRealAdapter:
    def test_creates_an_order_through_the_sdk(self, stub):
        gateway = RazorpayGateway(config(base_url=stub.base_url))
        order = gateway.create_order(amount=967494, currency="INR", receipt="ION-2025-0001", notes={"order_id": "x"})
        assert order["id"].startswith("order_") and order["amount"] == 967494
        ((path, authorized, payload),) = stub.requests
        assert (path, authorized) == ("/v1/orders", True)
        assert payload == {"amount": 967494, "currency": "INR", "receipt": "ION-2025-0001", "payment_capture": 1,
                           "notes": {"order_id": "x"}}

    def test_provider_error_becomes_a_gateway_error(self, stub):
        stub.fail_with = 500
        with pytest.raises(PaymentGatewayError):
            RazorpayGateway(config(base_url=stub.base_url)).create_order(amount=100, currency="INR", receipt="r")

    def test_wrong_credentials_become_a_gateway_error(self, stub):
        gateway = RazorpayGateway(config(base_url=stub.base_url, key_secret="wrong"))
        with pytest.raises(PaymentGatewayError):
            gateway.create_order(amount=100, currency="INR", receipt="r")

    def test_unreachable_provider_is_a_gateway_error(self):
        gateway = RazorpayGateway(config(base_url="http://127.0.0.1:9", timeout=1))
        with pytest.raises(PaymentGatewayError):
            gateway.create_order(amount=100, currency="INR", receipt="r")


class TestSignatures:
    def test_payment_signature_is_hmac_of_order_and_payment(self):
        expected = hmac.new(KEY_SECRET.encode(), b"order_A|pay_B", hashlib.sha256).hexdigest()
        assert payment_signature(KEY_SECRET, "order_A", "pay_B") == expected

    def test_ours_pass_the_sdk_check_and_the_sdks_pass_ours(self):
        client = razorpay.Client(auth=(KEY_ID, KEY_SECRET))
        ours = payment_signature(KEY_SECRET, "order_A", "pay_B")
        assert client.utility.verify_payment_signature({"razorpay_order_id": "order_A",
                                                        "razorpay_payment_id": "pay_B",
                                                        "razorpay_signature": ours})
        gateway = RazorpayGateway(config())
        assert gateway.verify_payment(order_id="order_A", payment_id="pay_B", signature=ours)
        assert not gateway.verify_payment(order_id="order_A", payment_id="pay_C", signature=ours)
        body = b'{"event":"payment.captured"}'
        sdk_style = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert client.utility.verify_webhook_signature(body.decode(), webhook_signature(WEBHOOK_SECRET, body),
                                                       WEBHOOK_SECRET)
        assert gateway.verify_webhook(body=body, signature=sdk_style)
        assert not gateway.verify_webhook(body=body + b" ", signature=sdk_style)

    @pytest.mark.parametrize("signature", ["", "zz", None, "0" * 64])
    def test_malformed_signatures_are_just_invalid(self, signature):
        assert not FakeRazorpay(config(mode="fake")).verify_payment(order_id="o", payment_id="p", signature=signature)

    def test_fake_signs_like_razorpay(self):
        fake = FakeRazorpay(config(mode="fake"))
        order = fake.create_order(amount=100, currency="INR", receipt="r")
        payment_id, signature = fake.sign_payment(order["id"])
        assert signature == payment_signature(KEY_SECRET, order["id"], payment_id)
        assert fake.verify_payment(order_id=order["id"], payment_id=payment_id, signature=signature)


class TestConfiguration:
    def test_fake_is_the_development_default(self):
        gateway = gateway_from_env({})
        assert isinstance(gateway, FakeRazorpay)
        assert gateway.key_id.startswith("rzp_test_")

    def test_live_reads_the_environment(self):
        gateway = gateway_from_env({"RAZORPAY_MODE": "live", "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET,
                                    "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET})
        assert isinstance(gateway, RazorpayGateway)
        assert (gateway.config.key_id, gateway.config.key_secret, gateway.config.webhook_secret) == (
            KEY_ID, KEY_SECRET, WEBHOOK_SECRET)

    def test_live_without_secrets_refuses_to_start(self):
        with pytest.raises(ConfigurationError):
            gateway_from_env({"RAZORPAY_MODE": "live"})
        with pytest.raises(ConfigurationError):
            gateway_from_env({}, production=True)


class TestCheckoutWithTheRealAdapter:
    """create-order through the whole app with the SDK adapter talking to the stub."""

    def test_create_order_and_a_provider_outage(self, client, make, stub):
        from server.products.ionora import PRODUCT
        from tests.ionora.conftest import bearer

        saved = PRODUCT.runtime.payments
        PRODUCT.runtime.payments = RazorpayGateway(config(base_url=stub.base_url))
        try:
            user = make.user()
            product = make.product(stock_quantity=4)
            make.cart_item(user, product, 2)
            address = make.address(user)
            stub.fail_with = 503
            failed = client.post("/api/checkout/create-order", headers=bearer(user),
                                 json={"shipping_address_id": str(address.id)})
            assert failed.status_code == 502
            assert make.reload_product(product).stock_quantity == 4
            stub.fail_with = None
            placed = client.post("/api/checkout/create-order", headers=bearer(user),
                                 json={"shipping_address_id": str(address.id)})
            assert placed.status_code == 201
            body = placed.json()
            assert body["key_id"] == KEY_ID
            assert stub.requests[-1][2]["receipt"] == body["order"]["order_number"]
            signature = payment_signature(KEY_SECRET, body["razorpay_order_id"], "pay_live1")
            paid = client.post("/api/checkout/payment", headers=bearer(user), json={
                "order_id": body["order"]["id"], "razorpay_order_id": body["razorpay_order_id"],
                "razorpay_payment_id": "pay_live1", "razorpay_signature": signature})
            assert paid.json()["order"]["payment_status"] == "paid"
        finally:
            PRODUCT.runtime.payments = saved
