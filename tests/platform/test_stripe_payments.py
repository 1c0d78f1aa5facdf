"""The Stripe adapters: the real one (the official SDK) against a local stub of Stripe's HTTP API, webhook
signatures checked against the SDK's own algorithm, and the offline fake walked end to end."""
import json
import time

import pytest
import stripe

from integrations.stripe_fake import FakeStripe, checkout_page
from integrations.stripe_payments import (
    ConfigurationError, PaymentProviderError, StripeConfig, StripeGateway, WebhookSignatureInvalid,
    gateway_from_config, main, sign_payload, verify_event,
)
from models.errors import UpstreamFailure
from tests.support.stripe_stub import StripeStub, decode_form

KEY, WHSEC = "sk_test_diora_123", "whsec_test_456"
LINES = [{"name": "Linen shirt", "unit_amount": 4999, "quantity": 2, "images": ["https://cdn.example/shirt.jpg"]},
         {"name": "Belt", "unit_amount": 1250, "quantity": 1}]
CHECKOUT = {"reference": "DIO-1001", "line_items": LINES, "currency": "usd",
            "success_url": "diora://order-success?orderId=o1", "cancel_url": "diora://order-cancel?orderId=o1",
            "metadata": {"orderId": "o1"}}


@pytest.fixture(scope="module")
def running_stub():
    with StripeStub(KEY) as running:
        yield running


@pytest.fixture
def stub(running_stub):
    running_stub.reset()
    yield running_stub
    running_stub.reset()


def live(stub, **overrides):
    values = {"mode": "live", "secret_key": KEY, "webhook_secret": WHSEC, "api_base": stub.base_url, "timeout": 5,
              "max_network_retries": 0}
    return StripeGateway(StripeConfig(**{**values, **overrides}))


@pytest.fixture
def fake(tmp_path):
    return FakeStripe(StripeConfig.from_env({}, data_dir=tmp_path, public_base_url="http://localhost:5000/api"))


def event_body(**overrides):
    event = {"id": "evt_1", "object": "event", "type": "checkout.session.completed",
             "data": {"object": {"id": "cs_test_1", "object": "checkout.session", "metadata": {"orderId": "o1"}}}}
    return json.dumps({**event, **overrides}).encode()


class TestCreateCheckoutSession:
    def test_sends_lines_in_cents_urls_and_metadata(self, stub):
        session = live(stub).create_checkout_session(**CHECKOUT, customer_email="ada@example.com")
        [request] = stub.requests
        assert (request.method, request.path) == ("POST", "/v1/checkout/sessions")
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert request.params == {
            "mode": "payment", "payment_method_types": ["card"], "client_reference_id": "DIO-1001",
            "line_items": [
                {"price_data": {"currency": "usd", "unit_amount": "4999",
                                "product_data": {"name": "Linen shirt", "images": ["https://cdn.example/shirt.jpg"]}},
                 "quantity": "2"},
                {"price_data": {"currency": "usd", "unit_amount": "1250", "product_data": {"name": "Belt"}},
                 "quantity": "1"}],
            "success_url": "diora://order-success?orderId=o1", "cancel_url": "diora://order-cancel?orderId=o1",
            "metadata": {"orderId": "o1"}, "payment_intent_data": {"metadata": {"orderId": "o1"}},
            "customer_email": "ada@example.com"}
        assert session == {"id": stub.objects[session["id"]]["id"],
                           "url": f"https://checkout.stripe.com/c/pay/{session['id']}"}

    def test_an_idempotency_key_is_passed_through(self, stub):
        live(stub).create_checkout_session(**CHECKOUT, idempotency_key="order-o1-attempt-1")
        assert stub.requests[0].headers["Idempotency-Key"] == "order-o1-attempt-1"

    def test_retrieve_reads_the_session_back(self, stub):
        gateway = live(stub)
        session = gateway.create_checkout_session(**CHECKOUT)
        assert gateway.retrieve_checkout_session(session["id"]) == {
            "id": session["id"], "url": session["url"], "status": "open", "payment_status": "unpaid",
            "payment_intent": None, "amount_total": 11248, "currency": "usd", "client_reference_id": "DIO-1001",
            "metadata": {"orderId": "o1"}}
        assert (stub.requests[-1].method, stub.requests[-1].path) == ("GET", f"/v1/checkout/sessions/{session['id']}")

    @pytest.mark.parametrize("change", [
        pytest.param({"line_items": []}, id="no lines"),
        pytest.param({"line_items": [{"name": "Shirt", "unit_amount": 49.99, "quantity": 1}]}, id="amount not cents"),
        pytest.param({"line_items": [{"name": "Shirt", "unit_amount": -1, "quantity": 1}]}, id="negative amount"),
        pytest.param({"line_items": [{"name": "Shirt", "unit_amount": 100, "quantity": 0}]}, id="no quantity"),
        pytest.param({"line_items": [{"name": " ", "unit_amount": 100, "quantity": 1}]}, id="no name"),
        pytest.param({"currency": "dollars"}, id="currency"),
        pytest.param({"success_url": "order-success"}, id="relative url"),
        pytest.param({"metadata": {"orderId": None}}, id="metadata value"),
        pytest.param({"metadata": {"k" * 41: "v"}}, id="metadata key"),
    ])
    def test_bad_parameters_never_reach_stripe(self, stub, change):
        with pytest.raises(ValueError):
            live(stub).create_checkout_session(**{**CHECKOUT, **change})
        assert stub.requests == []


class TestConnect:
    def test_creates_an_express_account(self, stub):
        account_id = live(stub).create_express_account(email="shop@example.com", metadata={"userId": "u7"})
        [request] = stub.requests
        assert (request.method, request.path) == ("POST", "/v1/accounts")
        assert request.params == {"type": "express", "country": "US", "email": "shop@example.com",
                                  "metadata": {"userId": "u7"},
                                  "capabilities": {"card_payments": {"requested": "true"},
                                                   "transfers": {"requested": "true"}}}
        assert account_id.startswith("acct_") and account_id in stub.objects

    def test_creates_an_onboarding_link(self, stub):
        gateway = live(stub)
        account_id = gateway.create_express_account(email="shop@example.com")
        url = gateway.create_account_link(account_id=account_id, refresh_url="https://diora.example/stripe/refresh",
                                          return_url="https://diora.example/stripe/return")
        assert url.startswith(f"https://connect.stripe.com/setup/e/{account_id}/")
        assert stub.requests[-1].path == "/v1/account_links"
        assert stub.requests[-1].params == {"account": account_id, "refresh_url": "https://diora.example/stripe/refresh",
                                            "return_url": "https://diora.example/stripe/return",
                                            "type": "account_onboarding"}

    def test_retrieves_the_onboarding_state(self, stub):
        gateway = live(stub)
        account_id = gateway.create_express_account(email="shop@example.com")
        assert gateway.retrieve_account(account_id) == {
            "id": account_id, "charges_enabled": False, "payouts_enabled": False, "details_submitted": False,
            "requirements_due": ["external_account", "tos_acceptance.date"]}
        assert (stub.requests[-1].method, stub.requests[-1].path) == ("GET", f"/v1/accounts/{account_id}")

    def test_an_unknown_account_is_resource_missing(self, stub):
        with pytest.raises(PaymentProviderError) as caught:
            live(stub).retrieve_account("acct_nothere00000000")
        assert (caught.value.code, caught.value.status, caught.value.retriable) == ("resource_missing", 404, False)


class TestRefund:
    def test_partial_refund(self, stub):
        refund = live(stub).refund(payment_intent="pi_123", amount=1250)
        assert refund["id"].startswith("re_") and refund["status"] == "succeeded"
        assert stub.requests[0].params == {"payment_intent": "pi_123", "amount": "1250"}

    def test_full_refund_sends_no_amount(self, stub):
        live(stub).refund(payment_intent="pi_123")
        assert stub.requests[0].params == {"payment_intent": "pi_123"}


class TestFailures:
    @pytest.mark.parametrize("status, error_type, code, message, retriable, shown", [
        pytest.param(402, "card_error", "card_declined", "Your card was declined.", False, "Your card was declined.",
                     id="card declined"),
        pytest.param(400, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: x", False,
                     "The payment provider refused the request.", id="bad request"),
        pytest.param(403, "invalid_request_error", None, "No permission", False,
                     "The payment provider refused the request.", id="permission"),
        pytest.param(409, "invalid_request_error", "lock_timeout", "Locked", True,
                     "The payment provider is unavailable; please retry shortly.", id="lock timeout"),
        pytest.param(429, "invalid_request_error", "rate_limit", "Too many", True,
                     "The payment provider is unavailable; please retry shortly.", id="rate limited"),
        pytest.param(500, "api_error", None, "Something went wrong on Stripe's end.", True,
                     "The payment provider is unavailable; please retry shortly.", id="server error"),
        pytest.param(503, "api_error", None, "Unavailable", True,
                     "The payment provider is unavailable; please retry shortly.", id="unavailable"),
    ])
    def test_provider_errors_become_one_error(self, stub, status, error_type, code, message, retriable, shown):
        stub.fail(status, error_type, code, message)
        with pytest.raises(PaymentProviderError) as caught:
            live(stub).create_checkout_session(**CHECKOUT)
        error = caught.value
        assert (error.message, error.retriable, error.code, error.status) == (shown, retriable, code, status)
        assert error.detail == message and error.request_id.startswith("req_")
        assert isinstance(error, UpstreamFailure)  # unhandled, the platform answers 502, never 500

    def test_wrong_key_is_not_retriable(self, stub):
        with pytest.raises(PaymentProviderError) as caught:
            live(stub, secret_key="sk_test_wrong").create_express_account(email="shop@example.com")
        assert (caught.value.status, caught.value.retriable) == (401, False)
        assert "sk_test_wrong" not in caught.value.message

    def test_timeout_is_retriable(self, stub):
        stub.hang = True
        with pytest.raises(PaymentProviderError) as caught:
            live(stub, timeout=0.2).refund(payment_intent="pi_123")
        assert (caught.value.retriable, caught.value.status) == (True, None)

    def test_unreachable_provider_is_retriable(self):
        gateway = StripeGateway(StripeConfig(mode="live", secret_key=KEY, webhook_secret=WHSEC,
                                             api_base="http://127.0.0.1:9", timeout=1, max_network_retries=0))
        with pytest.raises(PaymentProviderError) as caught:
            gateway.retrieve_account("acct_123")
        assert caught.value.retriable is True

    def test_the_sdk_retries_server_errors_with_one_idempotency_key(self, stub, monkeypatch):
        monkeypatch.setattr(stripe.HTTPClient, "_sleep_time_seconds", lambda self, n: 0)
        stub.fail(500, times=2)
        session = live(stub, max_network_retries=2).create_checkout_session(**CHECKOUT)
        assert session["id"].startswith("cs_test_") and len(stub.requests) == 3
        assert len({request.headers["Idempotency-Key"] for request in stub.requests}) == 1


class TestSignPayload:
    def test_matches_the_sdk(self):
        body = event_body()
        expected = stripe.WebhookSignature.generate_signature_header(body.decode(), WHSEC, timestamp=1735725600)
        assert sign_payload(WHSEC, body, timestamp=1735725600) == expected

    def test_is_hmac_of_timestamp_dot_body(self):
        import hashlib
        import hmac

        digest = hmac.new(WHSEC.encode(), b"1700000000.{}", hashlib.sha256).hexdigest()
        assert sign_payload(WHSEC, b"{}", timestamp=1700000000) == f"t=1700000000,v1={digest}"


class TestConstructEvent:
    def test_accepts_a_good_signature(self, stub):
        body = event_body()
        event = live(stub).construct_event(body, sign_payload(WHSEC, body))
        assert event == json.loads(body)
        assert stub.requests == []  # verification is local

    def test_accepts_a_header_with_several_signatures(self):
        body = event_body()
        good = sign_payload(WHSEC, body)
        header = f"{good},v1={'0' * 64},v0=abc"
        assert verify_event(body, header, WHSEC)["id"] == "evt_1"

    @pytest.mark.parametrize("header", [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("garbage", id="no parts"),
        pytest.param("t=abc,v1=00", id="timestamp not a number"),
        pytest.param("t=1735725600", id="no v1"),
        pytest.param("v1=deadbeef", id="no timestamp"),
        pytest.param("t=1735725600,v1", id="v1 without value"),
    ])
    def test_malformed_headers(self, header):
        with pytest.raises(WebhookSignatureInvalid):
            verify_event(event_body(), header, WHSEC)

    def test_tampered_body(self):
        body = event_body()
        header = sign_payload(WHSEC, body)
        with pytest.raises(WebhookSignatureInvalid):
            verify_event(body.replace(b"o1", b"o2"), header, WHSEC)

    def test_wrong_secret(self):
        body = event_body()
        with pytest.raises(WebhookSignatureInvalid):
            verify_event(body, sign_payload("whsec_other", body), WHSEC)

    def test_stale_timestamp(self):
        body = event_body()
        with pytest.raises(WebhookSignatureInvalid, match="tolerance"):
            verify_event(body, sign_payload(WHSEC, body, timestamp=time.time() - 301), WHSEC)

    def test_within_the_tolerance(self):
        body = event_body()
        assert verify_event(body, sign_payload(WHSEC, body, timestamp=time.time() - 290), WHSEC)["id"] == "evt_1"

    @pytest.mark.parametrize("body", [
        pytest.param(b"not json", id="not json"),
        pytest.param(b"\xff\xfe", id="not utf-8"),
        pytest.param(b"[1, 2]", id="an array"),
        pytest.param(b'{"id": "evt_1", "type": "x"}', id="no data"),
        pytest.param(b'{"id": "evt_1", "object": "event", "type": "x", "data": {"object": 5}}', id="data not object"),
        pytest.param(b'{"object": "v2.core.event", "id": "evt_1", "type": "x"}', id="thin event"),
    ])
    def test_signed_bodies_that_are_not_events(self, body):
        header = sign_payload(WHSEC, body)
        with pytest.raises(WebhookSignatureInvalid):
            verify_event(body, header, WHSEC)


class TestFakeCheckout:
    def test_a_purchase_end_to_end(self, fake):
        session = fake.create_checkout_session(**{**CHECKOUT, "success_url":
                                                  "diora://order-success?orderId=o1&session_id={CHECKOUT_SESSION_ID}"})
        assert session["url"] == f"http://localhost:5000/api/stripe/fake-checkout/{session['id']}"
        assert session["id"].startswith("cs_test_")
        raw_body, header = fake.complete(session["id"])
        event = fake.construct_event(raw_body, header)
        assert event["type"] == "checkout.session.completed" and event["id"].startswith("evt_")
        paid = event["data"]["object"]
        intent = paid["payment_intent"]
        assert intent.startswith("pi_")
        assert {k: paid[k] for k in ("id", "amount_total", "currency", "metadata", "payment_status", "status",
                                     "client_reference_id")} == {
            "id": session["id"], "amount_total": 11248, "currency": "usd", "metadata": {"orderId": "o1"},
            "payment_status": "paid", "status": "complete", "client_reference_id": "DIO-1001"}
        assert fake.retrieve_checkout_session(session["id"])["payment_status"] == "paid"
        assert fake.success_redirect(session["id"]) == f"diora://order-success?orderId=o1&session_id={session['id']}"
        assert fake.refund(payment_intent=intent, amount=1248)["status"] == "succeeded"

    def test_the_event_verifies_with_the_sdk_and_the_configured_secret(self, fake):
        raw_body, header = fake.complete(fake.create_checkout_session(**CHECKOUT)["id"])
        event = stripe.Webhook.construct_event(raw_body, header, fake.config.webhook_secret, api_key="sk_unused")
        assert event.type == "checkout.session.completed"

    def test_another_worker_sees_the_same_sessions(self, fake, tmp_path):
        session = fake.create_checkout_session(**CHECKOUT)
        other = FakeStripe(StripeConfig.from_env({}, data_dir=tmp_path))
        raw_body, header = other.complete(session["id"])
        assert fake.construct_event(raw_body, header)["data"]["object"]["id"] == session["id"]

    def test_completing_twice_redelivers_the_same_event(self, fake):
        session_id = fake.create_checkout_session(**CHECKOUT)["id"]
        first = json.loads(fake.complete(session_id)[0])
        again = json.loads(fake.complete(session_id)[0])
        assert first == again

    def test_the_checkout_page(self, fake):
        session = fake.create_checkout_session(**{**CHECKOUT, "line_items": [
            {"name": "<script>x</script>", "unit_amount": 1999, "quantity": 1}]})
        page = checkout_page(fake.checkout_page_details(session["id"]), pay_action="/api/stripe/fake-checkout/x")
        assert "Pay 19.99 USD" in page and 'action="/api/stripe/fake-checkout/x"' in page
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert 'href="diora://order-cancel?orderId=o1"' in page

    def test_an_expired_session_cannot_be_paid(self, fake):
        session_id = fake.create_checkout_session(**CHECKOUT)["id"]
        stored = fake.store.get(session_id)
        fake.store.put({**stored, "expires_at": int(time.time()) - 1})
        assert fake.retrieve_checkout_session(session_id)["status"] == "expired"
        with pytest.raises(PaymentProviderError) as caught:
            fake.complete(session_id)
        assert caught.value.code == "checkout_session_expired"

    def test_fail_next_makes_the_next_call_fail(self, fake):
        fake.fail_next = 1
        with pytest.raises(PaymentProviderError) as caught:
            fake.create_checkout_session(**CHECKOUT)
        assert caught.value.retriable is True
        assert fake.create_checkout_session(**CHECKOUT)["id"].startswith("cs_test_")

    def test_the_fake_checks_parameters_like_the_real_adapter(self, fake):
        with pytest.raises(ValueError):
            fake.create_checkout_session(**{**CHECKOUT, "line_items": [{"name": "x", "unit_amount": 9.5}]})


class TestFakeIdsCannotBeForged:
    @pytest.mark.parametrize("session_id", [
        pytest.param("cs_test_" + "A" * 58, id="well-formed but never issued"),
        pytest.param("cs_test_../../stripe-webhook-secret", id="path traversal"),
        pytest.param("../stripe-fake/.lock", id="not an id"),
        pytest.param("", id="empty"),
    ])
    def test_unknown_sessions_are_resource_missing(self, fake, session_id):
        with pytest.raises(PaymentProviderError) as caught:
            fake.complete(session_id)
        assert caught.value.code == "resource_missing"

    def test_another_installation_cannot_complete_a_session(self, fake, tmp_path):
        session_id = fake.create_checkout_session(**CHECKOUT)["id"]
        elsewhere = FakeStripe(StripeConfig.from_env({}, data_dir=tmp_path / "other"))
        with pytest.raises(PaymentProviderError):
            elsewhere.complete(session_id)

    def test_an_event_signed_by_another_installation_is_refused(self, fake, tmp_path):
        elsewhere = FakeStripe(StripeConfig.from_env({}, data_dir=tmp_path / "other"))
        raw_body, header = elsewhere.complete(elsewhere.create_checkout_session(**CHECKOUT)["id"])
        with pytest.raises(WebhookSignatureInvalid):
            fake.construct_event(raw_body, header)

    def test_a_refund_needs_a_paid_intent(self, fake):
        with pytest.raises(PaymentProviderError) as caught:
            fake.refund(payment_intent="pi_" + "B" * 24)
        assert caught.value.code == "resource_missing"


class TestFakeConnectAndRefunds:
    def test_onboarding_end_to_end(self, fake):
        account_id = fake.create_express_account(email="shop@example.com", metadata={"userId": "u7"})
        assert fake.retrieve_account(account_id) == {
            "id": account_id, "charges_enabled": False, "payouts_enabled": False, "details_submitted": False,
            "requirements_due": ["business_profile.url", "external_account", "individual.dob.day",
                                 "individual.first_name", "individual.last_name", "tos_acceptance.date",
                                 "tos_acceptance.ip"]}
        url = fake.create_account_link(account_id=account_id, refresh_url="https://x.example/refresh",
                                       return_url="https://x.example/return")
        prefix = "http://localhost:5000/api/stripe/fake-onboarding/"
        assert url.startswith(prefix)
        link_id = url[len(prefix):]
        assert fake.finish_onboarding(link_id) == "https://x.example/return"
        assert fake.retrieve_account(account_id) == {"id": account_id, "charges_enabled": True,
                                                     "payouts_enabled": True, "details_submitted": True,
                                                     "requirements_due": []}
        assert fake.finish_onboarding(link_id) == "https://x.example/refresh"  # a link works once

    def test_a_link_for_an_unknown_account_is_refused(self, fake):
        with pytest.raises(PaymentProviderError):
            fake.create_account_link(account_id="acct_" + "C" * 16, refresh_url="https://x", return_url="https://y")

    def test_refunds_never_exceed_the_payment(self, fake):
        raw_body, _ = fake.complete(fake.create_checkout_session(**CHECKOUT)["id"])
        intent = json.loads(raw_body)["data"]["object"]["payment_intent"]
        assert fake.refund(payment_intent=intent, amount=10000)["id"].startswith("re_")
        with pytest.raises(PaymentProviderError) as caught:
            fake.refund(payment_intent=intent, amount=1249)
        assert caught.value.code == "amount_too_large"
        fake.refund(payment_intent=intent)  # the rest: 1248
        with pytest.raises(PaymentProviderError) as caught:
            fake.refund(payment_intent=intent)
        assert caught.value.code == "charge_already_refunded"


class TestConfig:
    def test_fake_by_default_with_a_generated_secret(self, tmp_path):
        config = StripeConfig.from_env({}, data_dir=tmp_path)
        assert config.mode == "fake" and config.webhook_secret.startswith("whsec_")
        assert StripeConfig.from_env({}, data_dir=tmp_path).webhook_secret == config.webhook_secret
        assert isinstance(gateway_from_config(config), FakeStripe)

    def test_live_reads_the_environment(self, tmp_path):
        config = StripeConfig.from_env({"STRIPE_MODE": "live", "STRIPE_SECRET_KEY": KEY, "STRIPE_WEBHOOK_SECRET": WHSEC,
                                        "STRIPE_API_BASE": "http://127.0.0.1:12111/", "STRIPE_TIMEOUT": "7",
                                        "STRIPE_MAX_RETRIES": "0"}, data_dir=tmp_path)
        assert (config.secret_key, config.webhook_secret, config.api_base, config.timeout,
                config.max_network_retries) == (KEY, WHSEC, "http://127.0.0.1:12111", 7.0, 0)
        gateway = gateway_from_config(config)
        assert isinstance(gateway, StripeGateway)
        assert stripe.api_key is None  # nothing was set on the module

    def test_production_defaults_to_live_and_names_what_is_missing(self, tmp_path):
        with pytest.raises(ConfigurationError, match="STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"):
            StripeConfig.from_env({}, production=True, data_dir=tmp_path)

    def test_production_refuses_the_fake(self, tmp_path):
        with pytest.raises(ConfigurationError, match="refused in production"):
            StripeConfig.from_env({"STRIPE_MODE": "fake"}, production=True, data_dir=tmp_path)

    @pytest.mark.parametrize("env", [{"STRIPE_MODE": "test"}, {"STRIPE_TIMEOUT": "soon"}])
    def test_bad_values(self, tmp_path, env):
        with pytest.raises(ConfigurationError):
            StripeConfig.from_env(env, data_dir=tmp_path)

    def test_the_fake_base_url_can_be_set(self, tmp_path):
        config = StripeConfig.from_env({"STRIPE_FAKE_BASE_URL": "https://dev.example/api/"}, data_dir=tmp_path,
                                       public_base_url="http://ignored")
        assert FakeStripe(config).create_checkout_session(**CHECKOUT)["url"].startswith(
            "https://dev.example/api/stripe/fake-checkout/cs_test_")


def test_the_signing_command_uses_the_configured_secret(tmp_path, monkeypatch, capsys):
    body = tmp_path / "event.json"
    body.write_bytes(event_body())
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("STRIPE_MODE", raising=False)
    assert main(["sign-webhook", "--file", str(body)]) == 0
    header = capsys.readouterr().out.strip()
    assert verify_event(event_body(), header, StripeConfig.from_env({}, data_dir=tmp_path).webhook_secret)


def test_the_stub_decodes_stripe_form_encoding():
    assert decode_form("a[0][b]=1&a[1][b]=2&c=x&d[e][0]=y") == {"a": [{"b": "1"}, {"b": "2"}], "c": "x",
                                                                 "d": {"e": ["y"]}}


def test_the_fake_store_is_safe_under_concurrent_workers(fake, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    session_id = fake.create_checkout_session(**CHECKOUT)["id"]
    workers = [FakeStripe(StripeConfig.from_env({}, data_dir=tmp_path)) for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        events = list(pool.map(lambda worker: json.loads(worker.complete(session_id)[0])["id"], workers))
    assert len(set(events)) == 1
    intent = fake.retrieve_checkout_session(session_id)["payment_intent"]

    def refund(worker):
        try:
            return worker.refund(payment_intent=intent, amount=2000)["id"]
        except PaymentProviderError:
            return None

    with ThreadPoolExecutor(6) as pool:
        refunds = [r for r in pool.map(refund, workers * 2) if r]
    assert len(refunds) == 5  # 5 x 2000 of 11248; the rest refused
