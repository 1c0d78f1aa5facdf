"""Payments: records, reads, administrators' status changes and deletes, Thawani and EdfaPay checkouts and
webhooks (the offline fakes through their pages, and the real adapters against local stubs of the
providers' APIs), replayed and forged webhooks, and the dashboard's income."""
import hashlib
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from integrations.edfapay import EdfaPayConfig, EdfaPayGateway
from integrations.provider_stubs import EdfaPayStub, ThawaniStub
from integrations.thawani import ThawaniConfig, ThawaniGateway
from models.invare import database, tenders
from models.invare.notifications import Notification
from models.invare.payments import Payment
from server.products.invare import PRODUCT
from tests.invare.conftest import error, invalid
from tests.invare.ledger import ledger_balanced  # noqa: F401  (checked after every test)
from tests.invare.trade import trade  # noqa: F401

NOWHERE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SUCCESS, CANCEL = "https://app.example.com/pay/success", "https://app.example.com/pay/cancel"
RETURN = "https://app.example.com/payments/edfapay/return"
SECRET, PUBLISHABLE = "sk_test_invare", "pk_test_invare"
MERCHANT, PASSWORD = "0c3a7f1e-1111-4a2b-9c3d-000000000001", "merchant-pass-123"
CARD = "512345XXXXXX0008"
UNAVAILABLE = error(503, "The payment provider is unavailable; please try again later.", "Service Unavailable")
NO_ACCESS = error(403, "You do not have access to this order", "Forbidden")
ONLY_BUYER = error(403, "Only the buyer can pay for this order", "Forbidden")
FORBIDDEN = error(403, "Forbidden resource", "Forbidden")
NOT_PENDING = error(400, "Order is not pending payment", "Bad Request")
AMOUNT_MISMATCH = error(400, "The payment amount does not match", "Bad Request")


@pytest.fixture
def seller(make):
    return make.member(firstName="Sam", lastName="Seller")


@pytest.fixture
def listing(trade, seller):
    return trade.listing(seller, price="2.50", stock=100)


@pytest.fixture
def order(trade, member, listing):
    return trade.order(member, listing, quantity=10)  # total 25.00


@pytest.fixture
def record(client, member, order):
    """``record(**fields)``: the buyer records a payment of the order (``POST /payments``)."""
    def made(**fields):
        body = {"orderId": order["id"], "amount": "25.00", "method": "card", **fields}
        response = client.post("/payments", headers=member.headers, json=body)
        assert response.status_code == 201, response.text
        return response.json()
    return made


@pytest.fixture
def thawani_stub():
    with ThawaniStub(SECRET) as stub:
        previous = PRODUCT.runtime.thawani
        PRODUCT.runtime.thawani = ThawaniGateway(ThawaniConfig(mode="uat", secret_key=SECRET,
                                                               publishable_key=PUBLISHABLE, base_url=stub.base_url,
                                                               timeout=5))
        yield stub
        PRODUCT.runtime.thawani = previous


@pytest.fixture
def edfapay_stub():
    with EdfaPayStub(MERCHANT, PASSWORD) as stub:
        previous = PRODUCT.runtime.edfapay
        PRODUCT.runtime.edfapay = EdfaPayGateway(EdfaPayConfig(mode="live", merchant_id=MERCHANT, password=PASSWORD,
                                                               api_base=stub.base_url, timeout=5))
        yield stub
        PRODUCT.runtime.edfapay = previous


def payment_json(payment, **changes):
    body = {"id": payment["id"], "orderId": payment["orderId"], "order": {"id": payment["orderId"]},
            "amount": "25.00", "currency": "SAR", "chargedAmount": None, "chargedCurrency": None, "method": "card",
            "status": "pending", "transactionId": None,
            "providerReference": None, "failureReason": None, "createdByUserId": payment["createdByUserId"],
            "paidAt": None, "createdAt": payment["createdAt"], "updatedAt": payment["updatedAt"]}
    body.update(changes)
    return body


def stored(payment_id):
    with database.reading() as session:
        row = session.get(Payment, uuid.UUID(str(payment_id)))
        return None if row is None else (row.status, str(row.amount), row.method, row.transaction_id)


def notifications(member, type=None):
    with database.reading() as session:
        stmt = select(Notification.type, Notification.data).where(Notification.user_id == member.user.id)
        if type:
            stmt = stmt.where(Notification.type == type)
        return [(kind, data) for kind, data in session.execute(stmt.order_by(Notification.created_at))]


def tender_of(order):
    with database.reading() as session:
        found = session.scalars(select(tenders.ShippingTender).where(
            tenders.ShippingTender.order_id == uuid.UUID(order["id"]))).first()
        return None if found is None else found.status


def order_state(client, member, order):
    body = client.get(f"/orders/{order['id']}", headers=member.headers).json()
    return body["status"], body["paymentMethod"]


def path_of(url):
    return urlsplit(url).path


def edfapay_callback(trans_id, payment_id, *, email, amount="25.00", password=PASSWORD, result="SUCCESS",
                     status="SETTLED", **fields):
    """A callback as EdfaPay signs it: md5(upper(reverse(email) + password + trans_id + reverse(card digits)))."""
    text = email[::-1] + password + trans_id + ("512345" + "0008")[::-1]
    form = {"action": "SALE", "result": result, "status": status, "order_id": payment_id, "trans_id": trans_id,
            "trans_date": "2025-07-20 13:31:05", "amount": amount, "currency": "SAR", "card": CARD,
            "card_brand": "MASTER", "hash": hashlib.md5(text.upper().encode()).hexdigest()}
    form.update(fields)
    return form


EDFAPAY_CLIENT_BODY = {"currency": "SAR", "description": "Order Payment - Bales", "termUrl3ds": RETURN,
                       "payer": {"firstName": "Ada", "lastName": "Lovelace", "address": "", "country": "SA",
                                 "city": "", "zip": "", "email": "ada@example.com", "phone": "966501234567",
                                 "ip": "176.44.76.222"}}


class TestCreatePayment:
    def test_the_buyer_records_a_pending_payment_of_the_order_total(self, client, member, order):
        response = client.post("/payments", headers=member.headers, json={
            "orderId": order["id"], "amount": "25", "method": "card", "transactionId": "txn_123"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == payment_json(body, orderId=order["id"], transactionId="txn_123", createdByUserId=member.id)
        assert order_state(client, member, order) == ("pending", None)

    def test_method_defaults_to_card_and_administrators_may_record(self, client, admin, order):
        response = client.post("/payments", headers=admin.headers, json={"orderId": order["id"], "amount": "25.00"})
        assert response.status_code == 201, response.text
        assert (response.json()["method"], response.json()["createdByUserId"]) == ("card", admin.id)

    def test_an_amount_other_than_the_total_is_refused(self, client, member, order):
        response = client.post("/payments", headers=member.headers, json={"orderId": order["id"], "amount": "24.99"})
        assert (response.status_code, response.json()) == (
            400, error(400, "amount does not match the order total", "Bad Request"))

    def test_a_paid_order_is_not_paid_again(self, client, trade, member, listing):
        paid = trade.paid(member, listing)
        response = client.post("/payments", headers=member.headers, json={"orderId": paid["id"], "amount": "2.50"})
        assert (response.status_code, response.json()) == (400, NOT_PENDING)

    def test_the_seller_and_third_users_are_refused(self, client, seller, other_member, order):
        body = {"orderId": order["id"], "amount": "25.00"}
        assert client.post("/payments", headers=seller.headers, json=body).json() == ONLY_BUYER
        assert client.post("/payments", headers=other_member.headers, json=body).json() == NO_ACCESS

    def test_unknown_order_bad_body_and_no_token(self, client, member):
        response = client.post("/payments", headers=member.headers, json={"orderId": NOWHERE, "amount": "1.00"})
        assert (response.status_code, response.json()) == (404, error(404, "Order not found", "Not Found"))
        response = client.post("/payments", headers=member.headers, json={"orderId": NOWHERE, "amount": "1.001",
                                                                          "status": "succeeded"})
        assert response.status_code == 400
        assert response.json()["messageKey"] == "errors.validation_failed"
        assert "property status should not exist" in response.json()["message"]
        assert client.post("/payments", json={"orderId": NOWHERE, "amount": "1.00"}).status_code == 401


class TestGetPayment:
    def test_the_buyer_the_seller_and_administrators_read_it(self, client, member, seller, admin, record):
        payment = record()
        for who in (member, seller, admin):
            response = client.get(f"/payments/{payment['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, payment)

    def test_a_third_user_is_refused(self, client, other_member, record):
        payment = record()
        response = client.get(f"/payments/{payment['id']}", headers=other_member.headers)
        assert (response.status_code, response.json()) == (403, NO_ACCESS)

    def test_unknown_and_malformed_ids(self, client, member):
        response = client.get(f"/payments/{NOWHERE}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Payment not found", "Not Found"))
        assert client.get("/payments/nope", headers=member.headers).json() == invalid("id must be a UUID")
        assert client.get(f"/payments/{NOWHERE}").status_code == 401


class TestOrderPayments:
    def test_newest_first_for_both_sides(self, client, member, seller, order, record):
        first, second = record(), record(transactionId="second")
        for who in (member, seller):
            response = client.get(f"/payments/order/{order['id']}", headers=who.headers)
            assert (response.status_code, [p["id"] for p in response.json()]) == (200, [second["id"], first["id"]])
        assert client.get(f"/payments/order/{order['id']}", headers=member.headers).json()[0] == second

    def test_a_third_user_is_refused_and_unknown_orders_are_404(self, client, member, other_member, order):
        response = client.get(f"/payments/order/{order['id']}", headers=other_member.headers)
        assert (response.status_code, response.json()) == (403, NO_ACCESS)
        response = client.get(f"/payments/order/{NOWHERE}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Order not found", "Not Found"))

    def test_an_order_without_payments(self, client, member, order):
        assert client.get(f"/payments/order/{order['id']}", headers=member.headers).json() == []


class TestChangeStatus:
    def test_succeeded_pays_the_order_and_tells_both_sides(self, client, admin, member, seller, order, record):
        payment = record()
        response = client.patch(f"/payments/{payment['id']}/status/succeeded", headers=admin.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body == payment_json(payment, status="succeeded", paidAt=body["paidAt"], updatedAt=body["updatedAt"])
        assert body["paidAt"] is not None
        assert order_state(client, member, order) == ("paid", "card")
        assert tender_of(order) == "open"
        assert [kind for kind, _ in notifications(member)] == ["order_paid"]
        assert [kind for kind, _ in notifications(seller)] == ["order_paid"]

    def test_intermediate_states_then_failed_tells_the_buyer(self, client, admin, member, seller, order, record):
        payment = record()
        for status in ("authorized", "settled"):
            assert client.patch(f"/payments/{payment['id']}/status/{status}", headers=admin.headers).json()[
                "status"] == status
        response = client.patch(f"/payments/{payment['id']}/status/failed", headers=admin.headers)
        assert (response.json()["status"], response.json()["failureReason"]) == (
            "failed", "Marked failed by an administrator")
        assert notifications(member) == [("payment_failed", {"orderId": order["id"], "paymentId": payment["id"]})]
        assert notifications(seller) == []
        assert order_state(client, member, order) == ("pending", None)

    def test_final_statuses_stay_and_succeeded_only_becomes_refunded(self, client, admin, record):
        payment = record()
        client.patch(f"/payments/{payment['id']}/status/succeeded", headers=admin.headers)
        response = client.patch(f"/payments/{payment['id']}/status/pending", headers=admin.headers)
        assert (response.status_code, response.json()) == (
            400, error(400, "Cannot change payment status from succeeded to pending", "Bad Request"))
        again = client.patch(f"/payments/{payment['id']}/status/succeeded", headers=admin.headers)
        assert again.status_code == 200 and again.json()["status"] == "succeeded"
        assert client.patch(f"/payments/{payment['id']}/status/refunded", headers=admin.headers).json()[
            "status"] == "refunded"
        response = client.patch(f"/payments/{payment['id']}/status/succeeded", headers=admin.headers)
        assert response.json() == error(400, "Cannot change payment status from refunded to succeeded", "Bad Request")

    def test_only_administrators(self, client, member, seller, record):
        payment = record()
        for who in (member, seller):
            response = client.patch(f"/payments/{payment['id']}/status/succeeded", headers=who.headers)
            assert (response.status_code, response.json()) == (403, FORBIDDEN)
        assert stored(payment["id"])[0] == "pending"

    def test_unknown_payment_and_unknown_status(self, client, admin):
        response = client.patch(f"/payments/{NOWHERE}/status/settled", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Payment not found", "Not Found"))
        response = client.patch(f"/payments/{NOWHERE}/status/paid", headers=admin.headers)
        assert response.status_code == 400 and response.json()["messageKey"] == "errors.validation_failed"


class TestDeletePayment:
    def test_administrators_delete_a_payment_that_received_nothing(self, client, admin, member, record):
        payment = record()
        response = client.delete(f"/payments/{payment['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (200, {"success": True,
                                                                 "messageKey": "messages.payment_deleted"})
        assert client.get(f"/payments/{payment['id']}", headers=member.headers).status_code == 404

    def test_money_received_is_kept(self, client, admin, record):
        payment = record()
        client.patch(f"/payments/{payment['id']}/status/succeeded", headers=admin.headers)
        response = client.delete(f"/payments/{payment['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (
            400, error(400, "A payment that received money cannot be deleted", "Bad Request"))

    def test_only_administrators(self, client, member, record):
        payment = record()
        assert client.delete(f"/payments/{payment['id']}", headers=member.headers).json() == FORBIDDEN
        assert stored(payment["id"]) is not None

    def test_unknown_payment(self, client, admin):
        response = client.delete(f"/payments/{NOWHERE}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Payment not found", "Not Found"))


class TestThawaniCheckout:
    def test_the_buyer_gets_a_checkout_for_the_order_total(self, client, member, order, record):
        recorded = record()
        response = client.post(f"/payments/thawani/{order['id']}/checkout", headers=member.headers,
                               json={"successUrl": SUCCESS, "cancelUrl": CANCEL})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == {"paymentId": recorded["id"], "sessionId": body["sessionId"],
                        "redirectUrl": f"http://testserver/payments/fake/thawani/{body['sessionId']}"}
        payment = client.get(f"/payments/{recorded['id']}", headers=member.headers).json()
        # the order's 25.00 SAR, charged in OMR at 0.10253 OMR per SAR: 2.56325, rounded half up to 2.563
        assert payment == payment_json(recorded, method="thawani", chargedAmount="2.563", chargedCurrency="OMR",
                                       providerReference=body["sessionId"], updatedAt=payment["updatedAt"])

    def test_without_a_recorded_payment_one_is_made(self, client, member, order):
        response = client.post(f"/payments/thawani/{order['id']}/checkout", headers=member.headers,
                               json={"successUrl": SUCCESS, "cancelUrl": CANCEL})
        assert response.status_code == 201, response.text
        [payment] = client.get(f"/payments/order/{order['id']}", headers=member.headers).json()
        assert (payment["id"], payment["amount"], payment["method"]) == (response.json()["paymentId"], "25.00",
                                                                         "thawani")

    def test_buyer_side_only_and_pending_orders_only(self, client, trade, member, seller, admin, other_member,
                                                     order, listing):
        body = {"successUrl": SUCCESS, "cancelUrl": CANCEL}
        for who, expected in ((seller, ONLY_BUYER), (admin, ONLY_BUYER), (other_member, NO_ACCESS)):
            response = client.post(f"/payments/thawani/{order['id']}/checkout", headers=who.headers, json=body)
            assert (response.status_code, response.json()) == (403, expected)
        paid = trade.paid(member, listing)
        response = client.post(f"/payments/thawani/{paid['id']}/checkout", headers=member.headers, json=body)
        assert (response.status_code, response.json()) == (400, NOT_PENDING)
        assert client.get(f"/payments/order/{order['id']}", headers=member.headers).json() == []

    def test_both_urls_are_required(self, client, member, order):
        response = client.post(f"/payments/thawani/{order['id']}/checkout", headers=member.headers,
                               json={"successUrl": SUCCESS})
        assert (response.status_code, response.json()) == (400, invalid("cancelUrl should not be empty"))

    def test_thawani_unavailable_is_503_and_the_retry_reuses_the_payment(self, client, member, order, thawani_stub):
        thawani_stub.fail_with = 503
        body = {"successUrl": SUCCESS, "cancelUrl": CANCEL}
        response = client.post(f"/payments/thawani/{order['id']}/checkout", headers=member.headers, json=body)
        assert (response.status_code, response.json()) == (503, UNAVAILABLE)
        assert response.headers["Retry-After"] == "5"
        thawani_stub.fail_with = None
        retried = client.post(f"/payments/thawani/{order['id']}/checkout", headers=member.headers, json=body)
        assert retried.status_code == 201, retried.text
        [payment] = client.get(f"/payments/order/{order['id']}", headers=member.headers).json()
        assert payment["id"] == retried.json()["paymentId"]
        assert retried.json()["redirectUrl"] == (f"{thawani_stub.base_url}/pay/{retried.json()['sessionId']}"
                                                 f"?key={PUBLISHABLE}")


class TestThawaniWebhook:
    def checkout(self, client, member, order):
        response = client.post(f"/payments/thawani/{order['id']}/checkout", headers=member.headers,
                               json={"successUrl": SUCCESS, "cancelUrl": CANCEL})
        assert response.status_code == 201, response.text
        return response.json()

    def test_journey_on_the_fake_page_then_a_replay_changes_nothing(self, client, member, seller, order):
        started = self.checkout(client, member, order)
        page = client.get(path_of(started["redirectUrl"]))
        assert page.status_code == 200 and "2.563 OMR" in page.text
        paid = client.post(path_of(started["redirectUrl"]), data={"outcome": "paid"}, follow_redirects=False)
        assert (paid.status_code, paid.headers["location"]) == (303, SUCCESS)
        assert order_state(client, member, order) == ("paid", "thawani")
        assert stored(started["paymentId"])[:2] == ("succeeded", "25.00")
        assert tender_of(order) == "open"
        assert [kind for kind, _ in notifications(member)] == ["order_paid"]
        assert [kind for kind, _ in notifications(seller)] == ["order_paid"]
        replay = client.post("/payments/thawani/webhook", json={
            "data": {"id": started["sessionId"], "client_reference_id": started["paymentId"], "status": "paid"}})
        assert (replay.status_code, replay.json()) == (200, {"received": True, "outcome": "already processed"})
        assert [kind for kind, _ in notifications(member)] == ["order_paid"]

    def test_a_cancelled_session_fails_the_payment_and_the_order_can_be_paid_again(self, client, member, order):
        started = self.checkout(client, member, order)
        failed = client.post(path_of(started["redirectUrl"]), data={"outcome": "failed"}, follow_redirects=False)
        assert (failed.status_code, failed.headers["location"]) == (303, CANCEL)
        assert stored(started["paymentId"])[0] == "failed"
        assert [kind for kind, _ in notifications(member)] == ["payment_failed"]
        assert order_state(client, member, order) == ("pending", None)
        again = self.checkout(client, member, order)
        assert again["paymentId"] != started["paymentId"]

    def test_forged_webhooks_change_nothing(self, client, member, order):
        started = self.checkout(client, member, order)
        unknown = client.post("/payments/thawani/webhook", json={"data": {"id": "checkout_forged",
                                                                          "client_reference_id": started["paymentId"],
                                                                          "status": "paid"}})
        assert (unknown.status_code, unknown.json()) == (404, error(404, "Checkout session not found.", "Not Found"))
        unpaid = client.post("/payments/thawani/webhook", json={"data": {"id": started["sessionId"], "status": "paid"}})
        assert (unpaid.status_code, unpaid.json()) == (200, {"received": True, "outcome": "pending"})
        nameless = client.post("/payments/thawani/webhook", json={"data": {"status": "paid"}})
        assert (nameless.status_code, nameless.json()["messageKey"]) == (400, "errors.validation_failed")
        assert stored(started["paymentId"])[0] == "pending"
        assert order_state(client, member, order) == ("pending", None)
        assert notifications(member) == []

    def test_thawanis_own_fields_are_accepted(self, client, member, order, thawani_stub):
        started = self.checkout(client, member, order)
        thawani_stub.pay(started["sessionId"])
        response = client.post("/payments/thawani/webhook", json={
            "event_type": "checkout.completed", "data": {"session_id": started["sessionId"], "payment_status": "paid",
                                                         "client_reference_id": started["paymentId"],
                                                         "total_amount": 2563, "metadata": {"x": "y"}}})
        assert (response.status_code, response.json()) == (200, {"received": True, "outcome": "paid"})

    def test_real_adapter_paid_session_pays_the_order(self, client, member, seller, order, thawani_stub):
        started = self.checkout(client, member, order)
        [create] = [r for r in thawani_stub.requests if r.method == "POST"]
        assert create.json["client_reference_id"] == started["paymentId"]
        assert create.json["products"][0]["unit_amount"] == 2563  # baisa: 25.00 SAR at 0.10253 OMR per SAR
        thawani_stub.pay(started["sessionId"])
        response = client.post("/payments/thawani/webhook", json={"data": {"id": started["sessionId"]}})
        assert (response.status_code, response.json()) == (200, {"received": True, "outcome": "paid"})
        assert order_state(client, member, order) == ("paid", "thawani")
        assert [kind for kind, _ in notifications(seller)] == ["order_paid"]

    def test_real_adapter_amount_that_does_not_match_is_not_believed(self, client, member, order, thawani_stub):
        started = self.checkout(client, member, order)
        thawani_stub.pay(started["sessionId"])
        thawani_stub.amount_drift = -1000
        response = client.post("/payments/thawani/webhook", json={"data": {"id": started["sessionId"]}})
        assert (response.status_code, response.json()) == (400, AMOUNT_MISMATCH)
        assert stored(started["paymentId"])[0] == "pending"
        assert order_state(client, member, order) == ("pending", None)

    def test_thawani_down_is_503_and_changes_nothing(self, client, member, order, thawani_stub):
        started = self.checkout(client, member, order)
        thawani_stub.pay(started["sessionId"])
        thawani_stub.fail_with = 502
        response = client.post("/payments/thawani/webhook", json={"data": {"id": started["sessionId"]}})
        assert (response.status_code, response.json()) == (503, UNAVAILABLE)
        assert stored(started["paymentId"])[0] == "pending"


class TestEdfaPayCheckout:
    def test_another_currency_than_the_orders_is_400_and_starts_nothing(self, client, member, order):
        response = client.post(f"/payments/edfapay/{order['id']}/checkout", headers=member.headers,
                               json={"currency": "USD", "termUrl3ds": "https://app.example/return"})
        assert (response.status_code, response.json()) == (400, invalid(
            "currency must be one of the following values: SAR"))
        assert client.get(f"/payments/order/{order['id']}", headers=member.headers).json() == []

    def test_buy_now_as_the_web_client_does_it_on_the_fake(self, client, member, seller, listing):
        """POST /orders → POST /payments {orderId, amount, method: card} → POST /payments/edfapay/:orderId/checkout
        → the customer pays on the redirect page → back on termUrl3ds, the order is paid."""
        placed = client.post("/orders", headers=member.headers, json={
            "orderStatus": "pending", "items": [{"listingId": str(listing.id), "quantity": 4, "unitPrice": "2.50"}],
            "createdByUserId": member.id}).json()
        recorded = client.post("/payments", headers=member.headers, json={
            "orderId": placed["id"], "amount": placed["total"], "method": "card"}).json()
        response = client.post(f"/payments/edfapay/{placed['id']}/checkout", headers=member.headers,
                               json=EDFAPAY_CLIENT_BODY)
        assert response.status_code == 201, response.text
        started = response.json()
        assert started == {"paymentId": recorded["id"], "redirectUrl": started["redirectUrl"]}
        assert path_of(started["redirectUrl"]).startswith("/payments/fake/edfapay/")
        page = client.get(path_of(started["redirectUrl"]))
        assert page.status_code == 200 and "10.00 SAR" in page.text and "ada@example.com" in page.text
        paid = client.post(path_of(started["redirectUrl"]), data={"outcome": "paid"}, follow_redirects=False)
        assert (paid.status_code, paid.headers["location"]) == (303, RETURN)
        assert order_state(client, member, placed) == ("paid", "edfapay")
        payment = client.get(f"/payments/{recorded['id']}", headers=member.headers).json()
        reference = path_of(started["redirectUrl"]).rsplit("/", 1)[1]
        assert payment == payment_json(recorded, amount="10.00", chargedAmount="10.00", chargedCurrency="SAR",
                                       method="edfapay", status="succeeded", transactionId=reference,
                                       providerReference=reference,
                                       paidAt=payment["paidAt"], updatedAt=payment["updatedAt"])
        assert [kind for kind, _ in notifications(seller)] == ["order_paid"]
        assert tender_of(placed) == "open"

    def test_payer_fields_left_out_come_from_the_account(self, client, member, order, edfapay_stub):
        response = client.post(f"/payments/edfapay/{order['id']}/checkout", headers=member.headers,
                               json={"termUrl3ds": RETURN})
        assert response.status_code == 201, response.text
        [initiate] = edfapay_stub.requests
        assert (initiate.form["order_id"], initiate.form["order_amount"], initiate.form["order_currency"]) == (
            response.json()["paymentId"], "25.00", "SAR")
        assert (initiate.form["payer_first_name"], initiate.form["payer_last_name"], initiate.form["payer_email"],
                initiate.form["order_description"]) == ("Ada", "Lovelace", member.user.email, "Order Payment")
        assert initiate.form["payer_ip"]

    def test_buyer_side_only(self, client, seller, other_member, order):
        for who, expected in ((seller, ONLY_BUYER), (other_member, NO_ACCESS)):
            response = client.post(f"/payments/edfapay/{order['id']}/checkout", headers=who.headers,
                                   json=EDFAPAY_CLIENT_BODY)
            assert (response.status_code, response.json()) == (403, expected)

    def test_edfapay_unavailable_is_503(self, client, member, order, edfapay_stub):
        edfapay_stub.fail_with = 500
        response = client.post(f"/payments/edfapay/{order['id']}/checkout", headers=member.headers,
                               json=EDFAPAY_CLIENT_BODY)
        assert (response.status_code, response.json()) == (503, UNAVAILABLE)


class TestEdfaPayWebhook:
    def checkout(self, client, member, order):
        response = client.post(f"/payments/edfapay/{order['id']}/checkout", headers=member.headers,
                               json=EDFAPAY_CLIENT_BODY)
        assert response.status_code == 201, response.text
        return response.json()["paymentId"], urlsplit(response.json()["redirectUrl"]).path.rsplit("/", 1)[1]

    def test_real_adapter_settled_callback_pays_the_order_and_a_replay_changes_nothing(
            self, client, member, seller, order, edfapay_stub):
        payment_id, trans_id = self.checkout(client, member, order)
        edfapay_stub.settle(trans_id)
        form = edfapay_callback(trans_id, payment_id, email="ada@example.com")
        response = client.post("/payments/edfapay/webhook", data=form)
        assert (response.status_code, response.text) == (200, "OK")
        assert response.headers["content-type"].startswith("text/plain")
        [status_call] = [r for r in edfapay_stub.requests if r.path == "/payment/status"]
        assert (status_call.json["order_id"], status_call.json["gway_Payment_Id"]) == (payment_id, trans_id)
        assert stored(payment_id) == ("succeeded", "25.00", "edfapay", trans_id)
        assert order_state(client, member, order) == ("paid", "edfapay")
        assert [kind for kind, _ in notifications(member)] == ["order_paid"]
        replay = client.post("/payments/edfapay/webhook", data=form)
        assert (replay.status_code, replay.text) == (200, "OK")
        assert [kind for kind, _ in notifications(member)] == ["order_paid"]
        assert [kind for kind, _ in notifications(seller)] == ["order_paid"]

    def test_multipart_form_data_is_taken_too(self, client, member, order, edfapay_stub):
        payment_id, trans_id = self.checkout(client, member, order)
        edfapay_stub.settle(trans_id)
        form = edfapay_callback(trans_id, payment_id, email="ada@example.com")
        parts = "".join(f'--XyZ\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in form.items())
        response = client.post("/payments/edfapay/webhook", content=(parts + "--XyZ--\r\n").encode(),
                               headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
        assert (response.status_code, response.text) == (200, "OK")
        assert stored(payment_id)[0] == "succeeded"

    def test_fields_beyond_the_documented_ones_are_accepted(self, client, member, order, edfapay_stub):
        payment_id, trans_id = self.checkout(client, member, order)
        edfapay_stub.settle(trans_id)
        form = edfapay_callback(trans_id, payment_id, email="ada@example.com", rrn="123456789012",
                                card_expiration_date="01/2039", merchant_name="Invare")
        response = client.post("/payments/edfapay/webhook", data=form)
        assert (response.status_code, response.text) == (200, "OK")
        assert stored(payment_id)[0] == "succeeded"

    def test_a_callback_is_believed_only_after_edfapay_confirms_it(self, client, member, order, edfapay_stub):
        payment_id, trans_id = self.checkout(client, member, order)  # still pending at EdfaPay
        response = client.post("/payments/edfapay/webhook",
                               data=edfapay_callback(trans_id, payment_id, email="ada@example.com"))
        assert (response.status_code, response.text) == (200, "OK")
        assert stored(payment_id)[0] == "pending"
        assert order_state(client, member, order) == ("pending", None)

    def test_a_declined_payment_fails_and_tells_the_buyer(self, client, member, seller, order, edfapay_stub):
        payment_id, trans_id = self.checkout(client, member, order)
        edfapay_stub.decline(trans_id)
        form = edfapay_callback(trans_id, payment_id, email="ada@example.com", result="DECLINED", status="DECLINED",
                                decline_reason="Insufficient funds")
        assert client.post("/payments/edfapay/webhook", data=form).text == "OK"
        assert stored(payment_id)[0] == "failed"
        assert notifications(member) == [("payment_failed", {"orderId": order["id"], "paymentId": payment_id})]
        assert notifications(seller) == []
        payment = client.get(f"/payments/{payment_id}", headers=member.headers).json()
        assert payment["failureReason"] == "Insufficient funds"
        assert client.post("/payments/edfapay/webhook", data=form).text == "OK"
        assert len(notifications(member)) == 1

    @pytest.mark.parametrize("forge", [
        {"password": "guessed"}, {"email": "someone@example.com"}, {"hash": ""}])
    def test_forged_callbacks_are_400_and_change_nothing(self, client, member, order, edfapay_stub, forge):
        payment_id, trans_id = self.checkout(client, member, order)
        edfapay_stub.settle(trans_id)
        email = forge.pop("email", "ada@example.com")
        form = edfapay_callback(trans_id, payment_id, email=email, **forge)
        response = client.post("/payments/edfapay/webhook", data=form)
        assert response.status_code == 400, response.text
        assert response.json()["message"] in ("The callback signature is invalid.",
                                              "The callback lacks order_id, trans_id or hash.")
        assert stored(payment_id)[0] == "pending"
        assert order_state(client, member, order) == ("pending", None)
        assert [r.path for r in edfapay_stub.requests] == ["/payment/initiate"]

    def test_amounts_that_do_not_match_are_not_believed(self, client, member, order, edfapay_stub):
        payment_id, trans_id = self.checkout(client, member, order)
        edfapay_stub.settle(trans_id)
        response = client.post("/payments/edfapay/webhook",
                               data=edfapay_callback(trans_id, payment_id, email="ada@example.com", amount="1.00"))
        assert (response.status_code, response.json()) == (400, AMOUNT_MISMATCH)
        edfapay_stub.amount_drift = "-1"
        response = client.post("/payments/edfapay/webhook",
                               data=edfapay_callback(trans_id, payment_id, email="ada@example.com"))
        assert (response.status_code, response.json()) == (400, AMOUNT_MISMATCH)
        assert stored(payment_id)[0] == "pending"

    def test_edfapay_down_is_503_and_changes_nothing(self, client, member, order, edfapay_stub):
        payment_id, trans_id = self.checkout(client, member, order)
        edfapay_stub.settle(trans_id)
        edfapay_stub.fail_with = 503
        response = client.post("/payments/edfapay/webhook",
                               data=edfapay_callback(trans_id, payment_id, email="ada@example.com"))
        assert (response.status_code, response.json()) == (503, UNAVAILABLE)
        assert stored(payment_id)[0] == "pending"

    def test_a_callback_without_its_ids_is_400(self, client):
        response = client.post("/payments/edfapay/webhook", data={"action": "SALE", "result": "SUCCESS"})
        assert (response.status_code, response.json()["messageKey"]) == (400, "errors.validation_failed")

    def test_unknown_payments_are_404(self, client):
        for order_id in (NOWHERE, "not-a-payment"):
            response = client.post("/payments/edfapay/webhook",
                                   data=edfapay_callback("TX-1", order_id, email="ada@example.com"))
            assert (response.status_code, response.json()) == (404, error(404, "Payment not found", "Not Found"))

    def test_a_fake_callback_with_a_wrong_hash_is_refused(self, client, member, order):
        payment_id, trans_id = self.checkout(client, member, order)
        response = client.post("/payments/edfapay/webhook",
                               data=edfapay_callback(trans_id, payment_id, email="ada@example.com"))
        assert response.status_code == 400
        assert stored(payment_id)[0] == "pending"


class TestFakePages:
    @pytest.mark.parametrize("provider", ["thawani", "edfapay"])
    def test_unknown_checkouts_are_404_pages(self, client, provider):
        for method in ("get", "post"):
            response = getattr(client, method)(f"/payments/fake/{provider}/nope")
            assert response.status_code == 404 and "Unknown checkout" in response.text

    def test_a_checkout_is_paid_once(self, client, member, order):
        started = client.post(f"/payments/thawani/{order['id']}/checkout", headers=member.headers,
                              json={"successUrl": SUCCESS, "cancelUrl": CANCEL}).json()
        page = path_of(started["redirectUrl"])
        assert client.post(page, data={"outcome": "paid"}, follow_redirects=False).status_code == 303
        again = client.post(page, data={"outcome": "failed"}, follow_redirects=False)
        assert (again.status_code, again.headers["location"]) == (303, SUCCESS)
        assert stored(started["paymentId"])[0] == "succeeded"
        assert [kind for kind, _ in notifications(member)] == ["order_paid"]


class TestPaymentsOutliveOrders:
    def test_deleting_an_order_keeps_its_payments_for_administrators(self, client, member, admin, order, record):
        payment = record()
        assert client.delete(f"/orders/{order['id']}", headers=member.headers).status_code == 200
        response = client.get(f"/payments/{payment['id']}", headers=admin.headers)
        assert response.json() == payment_json(payment, orderId=None, order=None, updatedAt=response.json()["updatedAt"])
        assert client.get(f"/payments/{payment['id']}", headers=member.headers).json() == NO_ACCESS


class TestDashboardIncome:
    def test_total_income_sums_succeeded_payments(self, client, admin, trade, make, member, listing, record):
        before = client.get("/admin/dashboard", headers=admin.headers).json()["totalIncome"]
        succeeded = record()
        record()  # stays pending: not income
        client.patch(f"/payments/{succeeded['id']}/status/succeeded", headers=admin.headers)
        other = trade.order(make.member(), listing, quantity=3)  # 7.50, failed: not income
        failed = client.post("/payments", headers=admin.headers, json={"orderId": other["id"], "amount": "7.50"}).json()
        client.patch(f"/payments/{failed['id']}/status/failed", headers=admin.headers)
        after = client.get("/admin/dashboard", headers=admin.headers).json()["totalIncome"]
        assert round(after - before, 2) == 25.0
