"""Paying by card: Stripe Checkout sessions, the webhook, the success and cancel pages, refunds, Connect
onboarding for shops, the development checkout page and the job for orders never paid. Stripe is the real
adapter against the local stub; webhooks are signed with ``sign_payload``."""
import datetime as dt

import pytest

from models.diora import database, payments
from models.diora.tables.orders import Order, StripeEvent
from server.products.diora import PRODUCT
from tests.diora.conftest import error
from tests.diora.shopping import (  # noqa: F401  (fixtures)
    ADDRESS,
    completed,
    event,
    product,
    signed,
    stock_of,
    stripe,
    stripe_stub,
    to_cart,
)

pytestmark = pytest.mark.usefixtures("diora")


def card_order(client, make, buyer=None, *, price="40.00", quantity=1, stock=5):
    shop, buyer = make.shop(), buyer or make.user()
    item = product(shop, price=price, stock=stock)
    to_cart(buyer, item, quantity)
    answer = client.post("/api/order", headers=make.headers(buyer),
                         json={"shippingAddress": ADDRESS, "paymentMethod": "card"})
    return answer.json()["order"], buyer, shop, item


def order_row(order_id):
    with database.reading() as session:
        return session.get(Order, order_id)


def deliver(client, payload, path="/api/webhook", **header_changes):
    raw, headers = signed(payload)
    return client.post(path, content=raw, headers={**headers, **header_changes})


class TestCreateStripeSession:
    def test_lines_in_cents_and_return_urls(self, client, make, stripe):
        order, buyer, _, _ = card_order(client, make, price="19.99", quantity=2)
        answer = client.post("/api/order/create-stripe-session", headers=make.headers(buyer),
                             json={"orderId": order["_id"]})
        assert answer.status_code == 200
        body = answer.json()
        assert body["sessionUrl"] == body["url"] and body["sessionUrl"].startswith("https://checkout.stripe.com/")
        sent = stripe.requests[-1].params
        assert [(l["price_data"]["product_data"]["name"], l["price_data"]["unit_amount"], l["quantity"])
                for l in sent["line_items"]] == [("Linen Shirt", "1999", "2"), ("Shipping", "1000", "1")]
        assert sent["metadata"] == {"orderId": order["_id"], "orderNumber": order["orderNumber"]}
        assert sent["success_url"].endswith(f"/api/order/success?orderId={order['_id']}&session_id={{CHECKOUT_SESSION_ID}}")
        assert sent["cancel_url"].endswith(f"/api/order/cancel?orderId={order['_id']}")
        assert order_row(order["_id"]).stripe_session_id == body["sessionId"]

    def test_only_the_buyers_unpaid_card_order(self, client, make, stripe):
        order, buyer, _shop, item = card_order(client, make)
        other = client.post("/api/order/create-stripe-session", headers=make.headers(make.user()),
                            json={"orderId": order["_id"]})
        assert other.status_code == 403
        to_cart(buyer, item)
        cod = client.post("/api/order", headers=make.headers(buyer),
                          json={"shippingAddress": ADDRESS, "paymentMethod": "cod"}).json()["order"]
        answer = client.post("/api/order/create-stripe-session", headers=make.headers(buyer), json={"orderId": cod["_id"]})
        assert answer.status_code == 409
        assert answer.json() == error("Only card orders are paid through Stripe", field="orderId")
        assert stripe.requests == []

    def test_stripe_unavailable_is_503_and_refusal_502(self, client, make, stripe):
        order, buyer, _, _ = card_order(client, make)
        stripe.fail(500)
        answer = client.post("/api/order/create-stripe-session", headers=make.headers(buyer), json={"orderId": order["_id"]})
        assert answer.status_code == 503 and answer.headers["Retry-After"]
        stripe.fail(400, "invalid_request_error", "parameter_invalid")
        answer = client.post("/api/order/create-stripe-session", headers=make.headers(buyer), json={"orderId": order["_id"]})
        assert answer.status_code == 502
        assert order_row(order["_id"]).stripe_session_id is None


class TestWebhook:
    def test_paid_and_confirmed_once(self, client, make, stripe):
        order, buyer, _shop, _ = card_order(client, make)
        payload = completed(order["_id"], event_id="evt_once")
        first = deliver(client, payload)
        assert first.status_code == 200 and first.json() == {"status": True, "received": True, "outcome": "paid"}
        row = order_row(order["_id"])
        assert (row.payment_status, row.status, row.payment_intent_id) == ("paid", "confirmed", "pi_test_1")
        again = deliver(client, payload, path="/api/stripe/webhook")
        assert again.json()["outcome"] == "duplicate"
        redelivered = deliver(client, completed(order["_id"], event_id="evt_other"))
        assert redelivered.json()["outcome"] == "already paid"
        assert [n.title for n in make.notifications(buyer)] == ["Payment Received"]
        with database.reading() as session:
            assert {(e.id, e.outcome) for e in session.query(StripeEvent)} == {
                ("evt_once", "paid"), ("evt_other", "already paid")}

    @pytest.mark.parametrize("headers", [{"Stripe-Signature": "t=1,v1=00"}, {"Stripe-Signature": ""}])
    def test_a_bad_signature_is_400_and_changes_nothing(self, client, make, stripe, headers):
        order, _, _, _ = card_order(client, make)
        answer = deliver(client, completed(order["_id"]), **headers)
        assert answer.status_code == 400 and answer.json()["message"].startswith("Webhook Error: ")
        assert order_row(order["_id"]).payment_status == "pending"
        with database.reading() as session:
            assert session.query(StripeEvent).count() == 0

    def test_a_missing_signature_is_400(self, client, make, stripe):
        order, _, _, _ = card_order(client, make)
        raw, _ = signed(completed(order["_id"]))
        answer = client.post("/api/webhook", content=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400
        missing = "Missing header parameter 'Stripe-Signature'"
        assert answer.json() == {"status": False, "message": f"{missing} (Stripe-Signature)", "field": "Stripe-Signature",
                                 "errors": [{"field": "Stripe-Signature", "location": "header", "message": missing}]}
        assert order_row(order["_id"]).payment_status == "pending"

    def test_a_tampered_body_is_400(self, client, make, stripe):
        order, _, _, _ = card_order(client, make)
        raw, headers = signed(completed(order["_id"]))
        answer = client.post("/api/webhook", content=raw.replace(b"paid", b"PAID"), headers=headers)
        assert answer.status_code == 400 and order_row(order["_id"]).payment_status == "pending"

    def test_expired_session_cancels_and_gives_stock_back(self, client, make, stripe):
        order, _, _, item = card_order(client, make, quantity=2)
        assert stock_of(item) == 3
        expired = event("checkout.session.expired", {"id": "cs_x", "metadata": {"orderId": order["_id"]}})
        assert deliver(client, expired).json()["outcome"] == "cancelled: never paid"
        assert stock_of(item) == 5
        assert deliver(client, event("checkout.session.expired", {"metadata": {"orderId": order["_id"]}})
                       ).json()["outcome"] == "nothing to do"
        assert stock_of(item) == 5
        assert (order_row(order["_id"]).status, order_row(order["_id"]).payment_status) == ("cancelled", "failed")

    def test_a_second_payment_of_a_paid_order_is_refunded(self, client, make, stripe):
        order, _, _, _ = card_order(client, make)
        deliver(client, completed(order["_id"], intent="pi_first"))
        outcome = deliver(client, completed(order["_id"], session_id="cs_test_y", intent="pi_second")).json()["outcome"]
        assert outcome == "paid twice: refund"
        assert (stripe.requests[-1].path, stripe.requests[-1].params["payment_intent"]) == ("/v1/refunds", "pi_second")
        row = order_row(order["_id"])
        assert (row.payment_status, row.payment_intent_id, row.refund_status) == ("paid", "pi_first", None)

    def test_other_events_are_logged_and_ignored(self, client, make, stripe):
        assert deliver(client, event("charge.refunded", {"id": "ch_1"})).json()["outcome"] == "ignored"


class TestCancelPaidOrder:
    def test_refunds_a_card_payment_through_stripe(self, client, make, stripe):
        order, buyer, _, item = card_order(client, make)
        deliver(client, completed(order["_id"], intent="pi_refund_me"))
        answer = client.patch(f"/api/order/{order['_id']}/cancel", headers=make.headers(buyer))
        body = answer.json()
        assert (body["refundStatus"], body["order"]["paymentStatus"]) == ("refunded", "refunded")
        assert stripe.requests[-1].path == "/v1/refunds"
        assert stripe.requests[-1].params["payment_intent"] == "pi_refund_me"
        assert stock_of(item) == 5

    def test_stripe_unavailable_leaves_the_refund_pending(self, client, make, stripe):
        order, buyer, _, _ = card_order(client, make)
        deliver(client, completed(order["_id"]))
        stripe.fail(503)
        body = client.patch(f"/api/order/{order['_id']}/cancel", headers=make.headers(buyer)).json()
        assert (body["refundStatus"], body["order"]["status"]) == ("pending", "cancelled")

    def test_payment_after_cancelling_is_refunded(self, client, make, stripe):
        order, buyer, _, _ = card_order(client, make)
        client.patch(f"/api/order/{order['_id']}/cancel", headers=make.headers(buyer))
        outcome = deliver(client, completed(order["_id"])).json()["outcome"]
        assert outcome == "paid after cancellation: refund"
        row = order_row(order["_id"])
        assert (row.status, row.refund_status, row.payment_status) == ("cancelled", "refunded", "refunded")


class TestOrderSuccess:
    def test_by_session_or_order_id(self, client, make, stripe):
        order, buyer, _, _ = card_order(client, make)
        session_id = client.post("/api/order/create-stripe-session", headers=make.headers(buyer),
                                 json={"orderId": order["_id"]}).json()["sessionId"]
        waiting = client.get(f"/api/order/success?session_id={session_id}").json()
        assert waiting["message"] == "Payment is being confirmed"
        deliver(client, completed(order["_id"], session_id=session_id))
        assert client.get(f"/api/order/success?orderId={order['_id']}").json() == {
            "status": True, "message": "Payment successful",
            "order": {"_id": order["_id"], "orderNumber": order["orderNumber"], "paymentStatus": "paid",
                      "orderStatus": "confirmed", "total": 50.0}}
        page = client.get(f"/api/order/success?orderId={order['_id']}", headers={"Accept": "text/html"})
        assert page.headers["Content-Type"].startswith("text/html") and "Total: $50.00" in page.text

    def test_unknown_is_404(self, client):
        answer = client.get("/api/order/success?session_id=cs_nope")
        assert answer.status_code == 404 and answer.json() == error("Order not found", "ORD_001")


class TestOrderCancelPage:
    def test_answers_where_to_go(self, client, make, stripe):
        order, _, _, _ = card_order(client, make)
        assert client.get(f"/api/order/cancel?orderId={order['_id']}").json() == {
            "status": True, "message": "Payment cancelled", "redirectUrl": "/cart", "orderId": order["_id"],
            "orderNumber": order["orderNumber"]}
        assert order_row(order["_id"]).status == "processing"


class TestCreateAccountLink:
    def test_one_account_per_shop(self, client, make, stripe):
        shop = make.shop()
        first = client.post("/api/stripe/create-account-link", headers=make.headers(shop)).json()
        second = client.post("/api/stripe/create-account-link", headers=make.headers(shop)).json()
        assert first["accountId"] == second["accountId"] == make.reload(shop).stripe_account_id
        assert first["url"].startswith("https://connect.stripe.com/setup/")
        assert [r.path for r in stripe.requests] == ["/v1/accounts", "/v1/account_links", "/v1/account_links"]
        assert stripe.requests[0].params["type"] == "express"
        assert stripe.requests[1].params["return_url"].endswith("/api/stripe/onboarding/return")

    def test_regular_users_are_403(self, client, make, stripe):
        answer = client.post("/api/stripe/create-account-link", headers=make.headers())
        assert answer.status_code == 403 and answer.json() == error("Access denied. Shop owners only.", "AUTH_002")


class TestCheckOnboardingStatus:
    def test_without_and_with_an_account(self, client, make, stripe):
        shop = make.shop()
        assert client.get("/api/stripe/check-onboarding-status", headers=make.headers(shop)).json() == {
            "status": True, "onboarded": False, "onboardingComplete": False, "accountId": None,
            "chargesEnabled": False, "payoutsEnabled": False, "detailsSubmitted": False, "requirementsDue": []}
        account = client.post("/api/stripe/create-account-link", headers=make.headers(shop)).json()["accountId"]
        body = client.get("/api/stripe/check-onboarding-status", headers=make.headers(shop)).json()
        assert (body["accountId"], body["onboarded"], body["requirementsDue"]) == (
            account, False, ["external_account", "tos_acceptance.date"])


class TestFakeStripePages:
    """The development default (``STRIPE_MODE=fake``): the pages a person walks locally."""

    def test_checkout_page_pays_and_delivers_the_webhook(self, client, make):
        assert PRODUCT.runtime.stripe.mode == "fake"
        order, buyer, _, _ = card_order(client, make)
        url = client.post("/api/order/create-stripe-session", headers=make.headers(buyer),
                          json={"orderId": order["_id"]}).json()["sessionUrl"]
        assert url.startswith("http://testserver/api/stripe/fake-checkout/cs_test_")  # the host the request used
        path = url[url.index("/api/"):]
        assert "Pay 50.00 USD" in client.get(path).text
        paid = client.post(path, follow_redirects=False)
        assert paid.status_code == 303 and f"/api/order/success?orderId={order['_id']}" in paid.headers["Location"]
        assert (order_row(order["_id"]).payment_status, order_row(order["_id"]).status) == ("paid", "confirmed")

    def test_onboarding_page_enables_the_account(self, client, make):
        shop = make.shop()
        url = client.post("/api/stripe/create-account-link",
                          headers={**make.headers(shop), "Host": "shop.example:8443"}).json()["url"]
        assert url.startswith("http://shop.example:8443/api/stripe/fake-onboarding/link_")
        done = client.post(url[url.index("/api/"):], follow_redirects=False)
        assert done.status_code == 303 and done.headers["Location"].endswith("/api/stripe/onboarding/return")
        assert client.get("/api/stripe/check-onboarding-status", headers=make.headers(shop)).json()["onboarded"] is True


class TestCancelUnpaidJob:
    def test_cancels_card_orders_never_paid(self, client, make):
        order, _, _, item = card_order(client, make, quantity=2)
        paid, _, _, _ = card_order(client, make)
        with database.unit_of_work() as uow:
            uow.session.get(Order, paid["_id"]).payment_status = "paid"
            uow.commit()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
        assert payments.cancel_unpaid(database, dt.datetime.now(dt.UTC)) == {"cancelled": 0}
        assert payments.cancel_unpaid(database, later) == {"cancelled": 1}
        assert payments.cancel_unpaid(database, later) == {"cancelled": 0}
        assert (order_row(order["_id"]).status, stock_of(item)) == ("cancelled", 5)
        assert order_row(paid["_id"]).status == "processing"


