"""Thawani: the real adapter (httpx) against a local stub of Thawani's checkout API, the webhook parser,
configuration, and the offline fake end to end (its records shared by every process)."""
import json
import multiprocessing
from decimal import Decimal

import pytest

from integrations import thawani
from integrations.payment_provider import InvalidPaymentRequest, PaymentNotFound, PaymentProviderError
from integrations.provider_stubs import ThawaniStub
from integrations.thawani import (
    ConfigurationError, FakeThawani, ThawaniConfig, ThawaniGateway, WebhookInvalid, gateway_from_env, parse_webhook,
)
from models.errors import InvalidInput, NotFound, UpstreamFailure

SECRET, PUBLISHABLE = "sk_test_stub_secret", "pk_test_stub_publishable"


@pytest.fixture
def stub():
    with ThawaniStub(SECRET) as running:
        yield running


def real(stub, **overrides):
    values = dict(mode="uat", secret_key=SECRET, publishable_key=PUBLISHABLE, base_url=stub.base_url, timeout=5)
    values.update(overrides)
    return ThawaniGateway(ThawaniConfig(**values))


def create(gateway, amount=Decimal("12.345"), **overrides):
    values = dict(reference="pay-0001", amount=amount, description="Order payment - Copper scrap, 2 tons",
                  success_url="https://app.example.com/pay/success", cancel_url="https://app.example.com/pay/cancel",
                  metadata={"orderId": "order-1", "paymentId": "pay-0001"})
    values.update(overrides)
    return gateway.create_session(**values)


class TestCreateSession:
    def test_sends_the_documented_request_with_the_amount_in_baisa(self, stub):
        session = create(real(stub), customer_email="buyer@example.com")
        [request] = stub.requests
        assert (request.method, request.path, request.headers["thawani-api-key"]) == (
            "POST", "/api/v1/checkout/session", SECRET)
        assert request.json == {
            "client_reference_id": "pay-0001", "mode": "payment",
            "products": [{"name": "Order payment - Copper scrap, 2 tons", "quantity": 1, "unit_amount": 12345}],
            "success_url": "https://app.example.com/pay/success", "cancel_url": "https://app.example.com/pay/cancel",
            "metadata": {"orderId": "order-1", "paymentId": "pay-0001", "customer_email": "buyer@example.com"}}
        assert session.session_id in stub.sessions
        assert session.redirect_url == f"{stub.base_url}/pay/{session.session_id}?key={PUBLISHABLE}"

    @pytest.mark.parametrize("amount, baisa", [(Decimal("0.1"), 100), ("5", 5000), (7, 7000), (Decimal("1.230"), 1230)])
    def test_omr_amounts_become_whole_baisa(self, stub, amount, baisa):
        create(real(stub), amount=amount)
        assert stub.requests[0].json["products"][0]["unit_amount"] == baisa

    def test_long_descriptions_are_cut_to_thawanis_forty_characters(self, stub):
        create(real(stub), description="  Recycled   aluminium cans, pressed bundles, first grade, 40 tons ")
        assert stub.requests[0].json["products"][0]["name"] == "Recycled aluminium cans, pressed bundles"

    @pytest.mark.parametrize("amount", [Decimal("0.099"), Decimal("1.2345"), Decimal("0"), Decimal("-1"), "abc",
                                        Decimal("NaN")])
    def test_amounts_thawani_cannot_take_are_refused_before_calling(self, stub, amount):
        with pytest.raises(InvalidPaymentRequest) as caught:
            create(real(stub), amount=amount)
        assert isinstance(caught.value, InvalidInput) and caught.value.field == "amount"
        assert stub.requests == []

    @pytest.mark.parametrize("status, unavailable", [(400, False), (401, False), (500, True), (503, True)])
    def test_provider_errors_become_one_upstream_error(self, stub, status, unavailable):
        stub.fail_with = status
        with pytest.raises(PaymentProviderError) as caught:
            create(real(stub))
        error = caught.value
        assert isinstance(error, UpstreamFailure)
        assert (error.provider, error.status, error.unavailable) == ("thawani", status, unavailable)
        assert "Stub failure" not in error.message  # the caller sees a plain message, the log the detail

    def test_a_wrong_api_key_is_a_refusal(self, stub):
        with pytest.raises(PaymentProviderError) as caught:
            create(real(stub, secret_key="sk_wrong"))
        assert (caught.value.status, caught.value.unavailable) == (401, False)

    def test_a_timeout_is_unavailable(self, stub):
        stub.hang = True
        with pytest.raises(PaymentProviderError) as caught:
            create(real(stub, timeout=0.2))
        assert caught.value.unavailable and "timed out" in caught.value.detail

    def test_an_unreachable_provider_is_unavailable(self):
        gateway = ThawaniGateway(ThawaniConfig(mode="uat", secret_key=SECRET, publishable_key=PUBLISHABLE,
                                               base_url="http://127.0.0.1:9", timeout=1))
        with pytest.raises(PaymentProviderError) as caught:
            create(gateway)
        assert caught.value.unavailable

    def test_a_session_for_another_amount_is_refused(self, stub):
        stub.amount_drift = 1000
        with pytest.raises(PaymentProviderError) as caught:
            create(real(stub))
        assert "13345 baisa, not 12345" in caught.value.detail


class TestRetrieveSession:
    def test_reports_status_amount_reference_and_metadata(self, stub):
        gateway = real(stub)
        session = create(gateway)
        unpaid = gateway.retrieve_session(session.session_id)
        stub.pay(session.session_id)
        paid = gateway.retrieve_session(session.session_id)
        assert stub.requests[-1].path == f"/api/v1/checkout/session/{session.session_id}"
        assert stub.requests[-1].headers["thawani-api-key"] == SECRET
        assert unpaid.payment_status == "unpaid"
        assert paid == thawani.SessionState(session_id=session.session_id, payment_status="paid",
                                            amount=Decimal("12.345"), reference="pay-0001",
                                            metadata={"orderId": "order-1", "paymentId": "pay-0001"})

    def test_cancelled_sessions_say_so(self, stub):
        gateway = real(stub)
        session = create(gateway)
        stub.pay(session.session_id, status="cancelled")
        assert gateway.retrieve_session(session.session_id).payment_status == "cancelled"

    def test_reports_the_amount_thawani_holds_so_the_caller_can_compare(self, stub):
        gateway = real(stub)
        session = create(gateway)
        stub.amount_drift = -12000
        assert gateway.retrieve_session(session.session_id).amount == Decimal("0.345")

    @pytest.mark.parametrize("session_id", ["checkout_unknown", "../../etc/passwd", "", "a" * 101])
    def test_unknown_or_malformed_sessions_are_not_found(self, stub, session_id):
        with pytest.raises(PaymentNotFound) as caught:
            real(stub).retrieve_session(session_id)
        assert isinstance(caught.value, NotFound)
        assert all(".." not in r.path for r in stub.requests)

    def test_provider_failure_while_retrieving(self, stub):
        gateway = real(stub)
        session = create(gateway)
        stub.fail_with = 502
        with pytest.raises(PaymentProviderError) as caught:
            gateway.retrieve_session(session.session_id)
        assert caught.value.unavailable


class TestParseWebhook:
    @pytest.mark.parametrize("body", [
        {"data": {"id": "checkout_abc", "client_reference_id": "pay-1", "status": "paid"}},
        {"event_type": "checkout.completed", "data": {"session_id": "checkout_abc", "payment_status": "paid"}},
        {"session_id": "checkout_abc"},
        b'{"data": {"id": "checkout_abc"}}',
        '{"data": {"session_id": "checkout_abc"}}',
    ])
    def test_names_the_session(self, body):
        assert parse_webhook(body) == "checkout_abc"

    @pytest.mark.parametrize("body", [{}, {"data": {}}, {"data": {"id": 5}}, {"data": "checkout_abc"}, [], None,
                                      b"not json", {"data": {"id": "../x"}}])
    def test_bodies_naming_no_session_are_bad_requests(self, body):
        with pytest.raises(WebhookInvalid) as caught:
            parse_webhook(body)
        assert isinstance(caught.value, InvalidInput)


class TestConfiguration:
    def test_fake_by_default_outside_production(self, tmp_path):
        gateway = gateway_from_env({}, data_dir=tmp_path, public_base_url="http://localhost:3000")
        assert isinstance(gateway, FakeThawani)

    def test_the_sar_rate_defaults_to_the_dollar_pegs_and_can_be_set(self, tmp_path):
        assert ThawaniConfig.from_env({}, data_dir=tmp_path).omr_per_sar == Decimal("0.10253")
        assert ThawaniConfig.from_env({"THAWANI_OMR_PER_SAR": " 0.1 "}, data_dir=tmp_path).omr_per_sar == Decimal("0.1")

    def test_production_without_keys_is_disabled_and_every_call_is_unavailable(self, tmp_path):
        gateway = gateway_from_env({}, production=True, data_dir=tmp_path)
        with pytest.raises(PaymentProviderError) as caught:
            create(gateway)
        assert caught.value.unavailable

    def test_production_with_keys_uses_thawanis_production_host(self, tmp_path):
        env = {"THAWANI_SECRET_KEY": "sk", "THAWANI_PUBLISHABLE_KEY": "pk"}
        config = ThawaniConfig.from_env(env, production=True, data_dir=tmp_path)
        assert (config.mode, config.base_url) == ("prod", "https://checkout.thawani.om")
        uat = ThawaniConfig.from_env({**env, "THAWANI_MODE": "UAT", "THAWANI_TIMEOUT": "3"}, data_dir=tmp_path)
        assert (uat.mode, uat.base_url, uat.timeout) == ("uat", "https://uatcheckout.thawani.om", 3.0)
        assert isinstance(thawani.gateway_from_config(uat), ThawaniGateway)

    @pytest.mark.parametrize("env, message", [
        ({"THAWANI_MODE": "prod", "THAWANI_SECRET_KEY": "sk"}, "THAWANI_PUBLISHABLE_KEY"),
        ({"THAWANI_MODE": "uat"}, "THAWANI_SECRET_KEY, THAWANI_PUBLISHABLE_KEY"),
        ({"THAWANI_MODE": "live"}, "THAWANI_MODE must be"),
        ({"THAWANI_TIMEOUT": "soon"}, "THAWANI_TIMEOUT"),
        ({"THAWANI_OMR_PER_SAR": "a tenth"}, "THAWANI_OMR_PER_SAR"),
        ({"THAWANI_OMR_PER_SAR": "0"}, "THAWANI_OMR_PER_SAR"),
        ({"THAWANI_OMR_PER_SAR": "-0.1"}, "THAWANI_OMR_PER_SAR"),
    ])
    def test_bad_configuration_names_the_variable(self, tmp_path, env, message):
        with pytest.raises(ConfigurationError, match=message):
            ThawaniConfig.from_env(env, data_dir=tmp_path)


def fake(tmp_path, base="http://localhost:3000"):
    return FakeThawani(ThawaniConfig(mode="fake", data_dir=tmp_path, public_base_url=base))


def _retrieve_in_another_process(data_dir, session_id, queue):
    state = fake(data_dir).retrieve_session(session_id)
    queue.put((state.payment_status, str(state.amount)))


class TestFake:
    def test_a_person_can_pay_on_the_apps_own_page(self, tmp_path):
        gateway = fake(tmp_path)
        session = create(gateway)
        assert session.redirect_url == f"http://localhost:3000/payments/fake/thawani/{session.session_id}"
        page = gateway.page(session.session_id, "/payments/fake/thawani/x")
        assert "12.345 OMR" in page and 'value="paid"' in page and 'action="/payments/fake/thawani/x"' in page
        done = gateway.complete(session.session_id)
        assert done.outcome == "paid" and done.return_url == "https://app.example.com/pay/success"
        assert done.webhook.content_type == "application/json"
        assert json.loads(done.webhook.body) == done.webhook.data
        assert done.webhook.data["data"] == {
            "id": session.session_id, "session_id": session.session_id, "client_reference_id": "pay-0001",
            "status": "paid", "payment_status": "paid", "total_amount": 12345,
            "metadata": {"orderId": "order-1", "paymentId": "pay-0001"}}
        assert parse_webhook(done.webhook.body) == session.session_id
        assert gateway.retrieve_session(session.session_id) == thawani.SessionState(
            session_id=session.session_id, payment_status="paid", amount=Decimal("12.345"), reference="pay-0001",
            metadata={"orderId": "order-1", "paymentId": "pay-0001"})

    def test_a_failed_payment_cancels_the_session_and_returns_to_the_cancel_url(self, tmp_path):
        gateway = fake(tmp_path)
        session = create(gateway)
        done = gateway.complete(session.session_id, outcome="failed")
        assert (done.outcome, done.return_url) == ("failed", "https://app.example.com/pay/cancel")
        assert done.webhook.data["event_type"] == "checkout.cancelled"
        assert gateway.retrieve_session(session.session_id).payment_status == "cancelled"

    def test_a_session_is_settled_once(self, tmp_path):
        gateway = fake(tmp_path)
        session = create(gateway)
        gateway.complete(session.session_id)
        again = gateway.complete(session.session_id, outcome="failed")
        assert again.outcome == "paid"
        assert gateway.retrieve_session(session.session_id).payment_status == "paid"

    def test_records_are_seen_by_every_worker_process(self, tmp_path):
        session = create(fake(tmp_path))
        fake(tmp_path).complete(session.session_id)
        queue = multiprocessing.get_context("spawn").Queue()
        process = multiprocessing.get_context("spawn").Process(
            target=_retrieve_in_another_process, args=(tmp_path, session.session_id, queue))
        process.start()
        process.join(60)
        assert queue.get(timeout=5) == ("paid", "12.345")

    def test_without_a_public_url_the_page_is_a_path_on_the_app(self, tmp_path):
        session = create(fake(tmp_path, base=""))
        assert session.redirect_url == f"/payments/fake/thawani/{session.session_id}"

    @pytest.mark.parametrize("session_id", ["checkout_missing", "../secret", ""])
    def test_unknown_sessions_are_not_found(self, tmp_path, session_id):
        gateway = fake(tmp_path)
        for call in (gateway.retrieve_session, gateway.complete, lambda s: gateway.page(s, "/x")):
            with pytest.raises(PaymentNotFound):
                call(session_id)

    def test_outcome_must_be_paid_or_failed(self, tmp_path):
        gateway = fake(tmp_path)
        with pytest.raises(InvalidPaymentRequest):
            gateway.complete(create(gateway).session_id, outcome="maybe")

    def test_validates_like_the_real_one(self, tmp_path):
        with pytest.raises(InvalidPaymentRequest):
            create(fake(tmp_path), amount=Decimal("0.05"))


def test_a_person_can_complete_a_fake_session_from_the_shell(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    session = create(fake(tmp_path))
    assert thawani.main(["complete", session.session_id]) == 0
    assert parse_webhook(capsys.readouterr().out) == session.session_id
    assert fake(tmp_path).retrieve_session(session.session_id).payment_status == "paid"
