"""The purchase journey end to end, as the client walks it: a user asks to become a shop, an
administrator approves, the shop sets up Stripe Connect and lists a product, another user fills a cart,
orders, pays through Stripe Checkout (the real adapter against the stub, the webhook signed as Stripe
signs it), and the shop ships and delivers."""
import pytest

from tests.diora.shopping import (  # noqa: F401  (fixtures)
    ADDRESS,
    completed,
    product,
    signed,
    stock_of,
    stripe,
    stripe_stub,
    to_cart,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BUSINESS = {"businessName": "Velvet Lane", "businessDescription": "Evening wear", "businessType": "retail"}


@pytest.mark.usefixtures("diora")
class TestPurchaseJourney:
    def test_from_promotion_to_delivery(self, client, make, stripe):
        founder, admin, buyer = make.user(), make.admin(), make.user()
        as_founder, as_admin, as_buyer = make.headers(founder), make.headers(admin), make.headers(buyer)

        asked = client.post("/api/user/request-promotion", data=BUSINESS, headers=as_founder,
                            files={"proofDocuments": ("licence.pdf", PDF, "application/pdf")})
        request_id = asked.json()["requestId"]
        queue = client.get("/api/admin/promotion-requests", headers=as_admin).json()["requests"]
        assert [r["_id"] for r in queue] == [request_id]
        decided = client.put(f"/api/admin/promotion-requests/{request_id}", headers=as_admin,
                             json={"action": "approve", "comments": "Welcome"})
        assert decided.status_code == 200
        assert client.get("/api/user/me", headers=as_founder).json()["user"]["type"] == "shop"

        link = client.post("/api/stripe/create-account-link", headers=as_founder).json()
        assert link["url"].startswith("https://connect.stripe.com/")
        status = client.get("/api/stripe/check-onboarding-status", headers=as_founder).json()
        assert (status["accountId"], status["onboarded"]) == (link["accountId"], False)

        dress = product(make.reload(founder), name="Silk Dress", price="120.00", discount=25, stock=2)
        to_cart(buyer, dress, 1, size="S")
        placed = client.post("/api/order", headers=as_buyer,
                             json={"shippingAddress": ADDRESS, "paymentMethod": "card"})
        assert placed.status_code == 201
        order = placed.json()["order"]
        assert (order["subtotal"], order["shippingFee"], order["total"]) == (90.0, 10.0, 100.0)
        assert stock_of(dress) == 1

        session = client.post("/api/order/create-stripe-session", headers=as_buyer, json={"orderId": order["_id"]}).json()
        assert stripe.requests[-1].params["line_items"][0]["price_data"]["unit_amount"] == "9000"
        raw, headers = signed(completed(order["_id"], session_id=session["sessionId"], event_id="evt_journey"))
        assert client.post("/api/webhook", content=raw, headers=headers).json()["outcome"] == "paid"
        assert client.post("/api/webhook", content=raw, headers=headers).json()["outcome"] == "duplicate"
        success = client.get(f"/api/order/success?session_id={session['sessionId']}").json()
        assert success["order"]["paymentStatus"] == "paid" and success["order"]["orderStatus"] == "confirmed"

        shop_view = client.get("/api/order/shop", headers=as_founder).json()["orders"]
        assert [(o["_id"], o["customer"]["_id"]) for o in shop_view] == [(order["_id"], buyer.id)]
        shipped = client.patch(f"/api/order/{order['_id']}/status", headers=as_founder,
                               json={"status": "shipped", "trackingNumber": "TRK123"})
        assert shipped.json()["order"]["trackingNumber"] == "TRK123"
        assert client.patch(f"/api/order/{order['_id']}/cancel", headers=as_buyer).status_code == 409
        delivered = client.patch(f"/api/order/{order['_id']}/status", headers=as_founder, json={"status": "delivered"})
        assert delivered.json()["order"]["status"] == "delivered"

        mine = client.get(f"/api/order/{order['_id']}", headers=as_buyer).json()["order"]
        assert (mine["status"], mine["paymentStatus"]) == ("delivered", "paid")
        titles = [n.title for n in make.notifications(buyer)]
        assert titles[:3] == ["Order Delivered", "Order Shipped", "Payment Received"]
        stats = client.get("/api/admin/stats", headers=as_admin).json()["stats"]
        assert stats["orders"]["total"] == 1 and stats["users"]["shops"] == 1
