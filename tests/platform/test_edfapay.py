"""EdfaPay: the real adapter (httpx) against a local stub of EdfaPay's API, the three hashes checked against
formulas written out here, callback verification, configuration, and the offline fake end to end."""
import hashlib
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from integrations import edfapay
from integrations.edfapay import (
    Callback, CallbackSignatureInvalid, ConfigurationError, EdfaPayConfig, EdfaPayGateway, FakeEdfaPay,
    TransactionStatus, callback_hash, gateway_from_env, initiate_hash, status_hash,
)
from integrations.payment_provider import InvalidPaymentRequest, PaymentNotFound, PaymentProviderError
from integrations.provider_stubs import EdfaPayStub
from models.errors import InvalidInput, UpstreamFailure

MERCHANT, PASSWORD = "0c3a7f1e-1111-4a2b-9c3d-000000000001", "merchant-pass-123"
PAYER = {"firstName": "John", "lastName": "Doe", "address": "King Saud Rd 1", "country": "SA", "city": "Riyadh",
         "zip": "12221", "email": "john@example.com", "phone": "966501234567", "ip": "176.44.76.222"}


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


@pytest.fixture
def stub():
    with EdfaPayStub(MERCHANT, PASSWORD) as running:
        yield running


def real(stub, **overrides):
    values = dict(mode="live", merchant_id=MERCHANT, password=PASSWORD, api_base=stub.base_url, timeout=5)
    values.update(overrides)
    return EdfaPayGateway(EdfaPayConfig(**values))


def checkout(gateway, amount=Decimal("1500.5"), **overrides):
    values = dict(reference="pay-0001", amount=amount, currency="SAR", description="Order Payment - Copper scrap",
                  payer=PAYER, success_url="https://app.example.com/payments/edfapay/return",
                  notification_url="https://api.example.com/payments/edfapay/webhook")
    values.update(overrides)
    return gateway.create_checkout(**values)


def callback_form(trans_id="TX-0001", *, email="john@example.com", password=PASSWORD, card="512345XXXXXX0008",
                  **fields):
    text = email[::-1] + password + trans_id + ("512345" + "0008")[::-1]
    form = {"action": "SALE", "result": "SUCCESS", "status": "SETTLED", "order_id": "pay-0001", "trans_id": trans_id,
            "trans_date": "2025-07-20 13:31:05", "amount": "1500.50", "currency": "SAR", "card": card,
            "card_brand": "MASTER", "hash": md5(text.upper())}
    form.update(fields)
    return form


class TestHashes:
    def test_initiate_is_sha1_of_the_md5_hex_of_the_uppercased_fields(self):
        text = "PAY-00011500.50SARORDER PAYMENTMERCHANT-PASS-123"
        expected = hashlib.sha1(md5(text).encode()).hexdigest()
        assert initiate_hash("pay-0001", "1500.50", "SAR", "Order Payment", PASSWORD) == expected

    def test_status_is_sha1_of_the_md5_hex_of_payment_id_and_password(self):
        expected = hashlib.sha1(md5("TX-0001MERCHANT-PASS-123").encode()).hexdigest()
        assert status_hash("tx-0001", PASSWORD) == expected

    def test_callback_reverses_email_and_card_digits(self):
        text = "moc.elpmaxe@nhoj" + PASSWORD + "TX-0001" + "8000543215"
        assert callback_hash("john@example.com", PASSWORD, "TX-0001", "512345XXXXXX0008") == md5(text.upper())


class TestCreateCheckout:
    def test_sends_the_documented_form_with_its_hash(self, stub):
        result = checkout(real(stub))
        [request] = stub.requests
        assert (request.method, request.path) == ("POST", "/payment/initiate")
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert request.form == {
            "action": "SALE", "edfa_merchant_id": MERCHANT, "order_id": "pay-0001", "order_amount": "1500.50",
            "order_currency": "SAR", "order_description": "Order Payment - Copper scrap", "req_token": "N",
            "payer_first_name": "John", "payer_last_name": "Doe", "payer_address": "King Saud Rd 1",
            "payer_country": "SA", "payer_city": "Riyadh", "payer_zip": "12221", "payer_email": "john@example.com",
            "payer_phone": "966501234567", "payer_ip": "176.44.76.222",
            "term_url_3ds": "https://app.example.com/payments/edfapay/return", "auth": "N", "recurring_init": "N",
            "hash": initiate_hash("pay-0001", "1500.50", "SAR", "Order Payment - Copper scrap", PASSWORD)}
        [trans_id] = stub.transactions
        assert result == edfapay.Checkout(
            transaction_ref=trans_id, redirect_url=f"https://pay.edfapay.com/merchant/checkout/pay-0001/{trans_id}")

    @pytest.mark.parametrize("currency, amount, sent", [("SAR", 100, "100.00"), ("OMR", Decimal("2.5"), "2.500"),
                                                       ("KWD", "0.125", "0.125"), ("JPY", 900, "900")])
    def test_amounts_carry_the_currencys_decimals(self, stub, currency, amount, sent):
        checkout(real(stub), amount=amount, currency=currency)
        assert stub.requests[0].form["order_amount"] == sent

    def test_snake_case_payer_fields_and_defaults(self, stub):
        payer = {"first_name": "Ali", "last_name": "Hasan", "email": "ali@example.com", "ip": "10.0.0.1"}
        checkout(real(stub, currency="SAR"), payer=payer, currency=None)
        form = stub.requests[0].form
        assert (form["payer_first_name"], form["payer_country"], form["payer_city"], form["order_currency"]) == (
            "Ali", "SA", "", "SAR")

    @pytest.mark.parametrize("change, field", [
        ({"payer": {**PAYER, "email": ""}}, "payer.email"),
        ({"payer": {**PAYER, "ip": None}}, "payer.ip"),
        ({"payer": {**PAYER, "firstName": " "}}, "payer.firstName"),
        ({"success_url": ""}, "termUrl3ds"),
        ({"amount": Decimal("1.005")}, "amount"),
        ({"amount": 0}, "amount"),
        ({"reference": ""}, "reference"),
    ])
    def test_incomplete_requests_are_refused_before_calling(self, stub, change, field):
        with pytest.raises(InvalidPaymentRequest) as caught:
            checkout(real(stub), **change)
        assert caught.value.field == field and isinstance(caught.value, InvalidInput)
        assert stub.requests == []

    def test_a_wrong_password_is_refused_by_the_provider(self, stub):
        with pytest.raises(PaymentProviderError) as caught:
            checkout(real(stub, password="wrong"))
        assert (caught.value.status, caught.value.unavailable) == (400, False)
        assert "Hash is not valid" in caught.value.detail
        assert isinstance(caught.value, UpstreamFailure)

    @pytest.mark.parametrize("status, unavailable", [(401, False), (422, False), (500, True), (504, True)])
    def test_provider_errors_become_one_upstream_error(self, stub, status, unavailable):
        stub.fail_with = status
        with pytest.raises(PaymentProviderError) as caught:
            checkout(real(stub))
        error = caught.value
        assert (error.provider, error.status, error.unavailable) == ("edfapay", status, unavailable)

    def test_a_timeout_is_unavailable(self, stub):
        stub.hang = True
        with pytest.raises(PaymentProviderError) as caught:
            checkout(real(stub, timeout=0.2))
        assert caught.value.unavailable

    def test_an_answer_without_a_redirect_url_is_a_failure(self, stub, monkeypatch):
        monkeypatch.setattr(stub, "answer", lambda request: (200, {"result": "ERROR", "error_message": "No MID"}))
        with pytest.raises(PaymentProviderError) as caught:
            checkout(real(stub))
        assert "No MID" in caught.value.detail and not caught.value.unavailable


class TestVerifyCallback:
    def test_a_genuine_callback(self):
        gateway = real_config_only()
        assert gateway.verify_callback(callback_form(), payer_email="john@example.com") == Callback(
            order_id="pay-0001", trans_id="TX-0001", status="success", amount=Decimal("1500.50"), currency="SAR",
            action="SALE", result="SUCCESS", raw_status="SETTLED")

    @pytest.mark.parametrize("fields, status", [
        ({"result": "DECLINED", "status": "DECLINED", "decline_reason": "Insufficient Funds"}, "failed"),
        ({"result": "REDIRECT", "status": "3DS"}, "pending"),
        ({"result": "SUCCESS", "status": "PENDING"}, "pending"),
        ({"action": "CREDITVOID", "result": "ACCEPTED", "status": "REFUND"}, "refunded"),
        ({"result": "ERROR", "status": ""}, "failed"),
    ])
    def test_outcomes(self, fields, status):
        result = real_config_only().verify_callback(callback_form(**fields), payer_email="john@example.com")
        assert result.status == status
        assert result.decline_reason == fields.get("decline_reason", "")

    def test_the_hash_may_arrive_in_upper_case(self):
        form = callback_form()
        form["hash"] = form["hash"].upper()
        assert real_config_only().verify_callback(form, payer_email="john@example.com").status == "success"

    def test_the_payer_email_may_come_from_the_form(self):
        form = callback_form(payer_email="john@example.com")
        assert real_config_only().verify_callback(form).trans_id == "TX-0001"

    @pytest.mark.parametrize("tamper", [
        {"trans_id": "TX-0002"}, {"card": "400000XXXXXX0002"}, {"hash": "0" * 32}, {"hash": ""},
        {"order_id": ""}, {"trans_id": ""},
    ])
    def test_tampered_callbacks_are_refused(self, tamper):
        with pytest.raises(CallbackSignatureInvalid) as caught:
            real_config_only().verify_callback({**callback_form(), **tamper}, payer_email="john@example.com")
        assert isinstance(caught.value, InvalidInput) and caught.value.field == "hash"

    def test_another_payers_email_or_another_password_fails(self):
        with pytest.raises(CallbackSignatureInvalid):
            real_config_only().verify_callback(callback_form(), payer_email="eve@example.com")
        with pytest.raises(CallbackSignatureInvalid):
            real_config_only().verify_callback(callback_form(password="other-secret"), payer_email="john@example.com")
        with pytest.raises(CallbackSignatureInvalid):
            real_config_only().verify_callback(callback_form())  # no email at all: cannot be believed

    def test_the_amount_is_read_not_trusted(self):
        result = real_config_only().verify_callback(callback_form(amount="1.00"), payer_email="john@example.com")
        assert result.amount == Decimal("1.00")  # the hash does not cover it: compare with the payment's amount


def real_config_only():
    return EdfaPayGateway(EdfaPayConfig(mode="live", merchant_id=MERCHANT, password=PASSWORD,
                                        api_base="http://127.0.0.1:9"))


class TestTransactionStatus:
    def test_asks_with_the_documented_body_and_hash(self, stub):
        gateway = real(stub)
        trans_id = checkout(gateway).transaction_ref
        stub.settle(trans_id)
        assert gateway.transaction_status(order_id="pay-0001", trans_id=trans_id) == TransactionStatus(
            status="success", amount=Decimal("1500.50"), currency="SAR", raw_status="settled")
        request = stub.requests[-1]
        assert (request.path, request.headers["content-type"]) == ("/payment/status", "application/json")
        assert request.json == {"merchant_id": MERCHANT, "order_id": "pay-0001", "gway_Payment_Id": trans_id,
                                "gway_Payment_id": trans_id, "hash": status_hash(trans_id, PASSWORD)}

    @pytest.mark.parametrize("nested", [True, False])
    def test_pending_and_declined(self, stub, nested):
        stub.nested_status = nested
        gateway = real(stub)
        trans_id = checkout(gateway).transaction_ref
        assert gateway.transaction_status(order_id="pay-0001", trans_id=trans_id).status == "pending"
        stub.decline(trans_id)
        assert gateway.transaction_status(order_id="pay-0001", trans_id=trans_id).status == "failed"

    def test_reports_the_amount_edfapay_holds_so_the_caller_can_compare(self, stub):
        gateway = real(stub)
        trans_id = checkout(gateway).transaction_ref
        stub.amount_drift = "-1000"
        assert gateway.transaction_status(order_id="pay-0001", trans_id=trans_id).amount == Decimal("500.50")

    @pytest.mark.parametrize("order_id, trans_id", [("pay-0001", "9a1e0000-0000-0000-0000-000000000000"),
                                                    ("pay-0002", None), ("pay-0001", "../../x")])
    def test_unknown_transactions_are_not_found(self, stub, order_id, trans_id):
        gateway = real(stub)
        known = checkout(gateway).transaction_ref
        with pytest.raises(PaymentNotFound):
            gateway.transaction_status(order_id=order_id, trans_id=trans_id or known)

    def test_provider_failures(self, stub):
        gateway = real(stub)
        trans_id = checkout(gateway).transaction_ref
        stub.fail_with = 503
        with pytest.raises(PaymentProviderError) as caught:
            gateway.transaction_status(order_id="pay-0001", trans_id=trans_id)
        assert caught.value.unavailable
        stub.fail_with = None
        with pytest.raises(PaymentProviderError):  # the stub refuses the hash made with another password
            real(stub, password="wrong").transaction_status(order_id="pay-0001", trans_id=trans_id)


class TestConfiguration:
    def test_fake_by_default_with_a_generated_password(self, tmp_path):
        config = EdfaPayConfig.from_env({}, data_dir=tmp_path)
        assert (config.mode, config.merchant_id, config.currency, config.api_base) == (
            "fake", edfapay.FAKE_MERCHANT_ID, "SAR", "https://api.edfapay.com")
        assert len(config.password) > 40
        assert EdfaPayConfig.from_env({}, data_dir=tmp_path).password == config.password  # generated once

    def test_production(self, tmp_path):
        assert EdfaPayConfig.from_env({}, production=True, data_dir=tmp_path).mode == "disabled"
        env = {"EDFAPAY_MERCHANT_ID": MERCHANT, "EDFAPAY_PASSWORD": PASSWORD, "EDFAPAY_CURRENCY": "omr",
               "EDFAPAY_API_BASE": "https://api.example.test/"}
        config = EdfaPayConfig.from_env(env, production=True, data_dir=tmp_path)
        assert (config.mode, config.currency, config.api_base) == ("live", "OMR", "https://api.example.test")
        assert isinstance(edfapay.gateway_from_config(config), EdfaPayGateway)

    def test_disabled_refuses_everything(self, tmp_path):
        gateway = gateway_from_env({"EDFAPAY_MODE": "disabled"}, data_dir=tmp_path)
        with pytest.raises(PaymentProviderError) as caught:
            checkout(gateway)
        assert caught.value.unavailable
        with pytest.raises(CallbackSignatureInvalid):
            gateway.verify_callback(callback_form(), payer_email="john@example.com")

    @pytest.mark.parametrize("env, message", [
        ({"EDFAPAY_MODE": "live", "EDFAPAY_MERCHANT_ID": MERCHANT}, "EDFAPAY_PASSWORD"),
        ({"EDFAPAY_MODE": "sandbox"}, "EDFAPAY_MODE must be"),
        ({"EDFAPAY_TIMEOUT": "x"}, "EDFAPAY_TIMEOUT"),
    ])
    def test_bad_configuration_names_the_variable(self, tmp_path, env, message):
        with pytest.raises(ConfigurationError, match=message):
            EdfaPayConfig.from_env(env, data_dir=tmp_path)


def fake(tmp_path, base="http://localhost:3000"):
    return gateway_from_env({}, data_dir=tmp_path, public_base_url=base)


class TestFake:
    def test_a_person_can_pay_and_the_callback_verifies(self, tmp_path):
        gateway = fake(tmp_path)
        assert isinstance(gateway, FakeEdfaPay)
        started = checkout(gateway)
        assert started.redirect_url == f"http://localhost:3000/payments/fake/edfapay/{started.transaction_ref}"
        page = gateway.page(started.transaction_ref, "/payments/fake/edfapay/x")
        assert "1500.50 SAR" in page and "john@example.com" in page and 'value="failed"' in page
        done = gateway.complete(started.transaction_ref)
        assert (done.outcome, done.return_url) == ("paid", "https://app.example.com/payments/edfapay/return")
        assert done.webhook.content_type == "application/x-www-form-urlencoded"
        assert {k: v[0] for k, v in parse_qs(done.webhook.body.decode()).items()} == done.webhook.data
        callback = gateway.verify_callback(done.webhook.data, payer_email="john@example.com")
        assert (callback.order_id, callback.trans_id, callback.status, callback.amount) == (
            "pay-0001", started.transaction_ref, "success", Decimal("1500.50"))
        assert gateway.transaction_status(order_id="pay-0001", trans_id=started.transaction_ref) == TransactionStatus(
            status="success", amount=Decimal("1500.50"), currency="SAR", raw_status="settled")

    def test_a_failed_payment(self, tmp_path):
        gateway = fake(tmp_path)
        ref = checkout(gateway).transaction_ref
        done = gateway.complete(ref, outcome="failed")
        assert done.outcome == "failed"
        callback = gateway.verify_callback(done.webhook.data, payer_email="john@example.com")
        assert (callback.status, callback.result, callback.raw_status) == ("failed", "DECLINED", "DECLINED")
        assert gateway.transaction_status(order_id="pay-0001", trans_id=ref).status == "failed"
        assert gateway.complete(ref).outcome == "failed"  # settled once

    def test_the_fakes_callback_does_not_verify_with_another_password(self, tmp_path):
        ref = checkout(fake(tmp_path)).transaction_ref
        form = fake(tmp_path).complete(ref).webhook.data
        other = FakeEdfaPay(EdfaPayConfig(mode="fake", password="another", data_dir=tmp_path))
        with pytest.raises(CallbackSignatureInvalid):
            other.verify_callback(form, payer_email="john@example.com")

    def test_records_live_in_the_data_directory_not_in_the_object(self, tmp_path):
        ref = checkout(fake(tmp_path)).transaction_ref  # (the Thawani tests read them from another process)
        fake(tmp_path).complete(ref)
        assert fake(tmp_path).transaction_status(order_id="pay-0001", trans_id=ref).status == "success"

    def test_status_for_another_order_or_an_unknown_ref_is_not_found(self, tmp_path):
        gateway = fake(tmp_path)
        ref = checkout(gateway).transaction_ref
        with pytest.raises(PaymentNotFound):
            gateway.transaction_status(order_id="pay-9999", trans_id=ref)
        for call in (gateway.complete, lambda r: gateway.page(r, "/x")):
            with pytest.raises(PaymentNotFound):
                call("00000000-0000-0000-0000-000000000000")


def test_a_person_can_complete_a_fake_checkout_from_the_shell(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EDFAPAY_PASSWORD", raising=False)
    ref = checkout(fake(tmp_path)).transaction_ref
    assert edfapay.main(["complete", ref, "--fail"]) == 0
    form = {k: v[0] for k, v in parse_qs(capsys.readouterr().out.strip()).items()}
    assert fake(tmp_path).verify_callback(form, payer_email="john@example.com").status == "failed"
