"""Checkout (tag Checkout)."""
import re

import pytest

from tests.ionora.conftest import bearer

GONE = "00000000-0000-4000-8000-000000000000"


class TestValidateCart:
    def test_valid_cart(self, client, make):
        user = make.user()
        product = make.product(price=4555.06, discount_percentage=10, stock_quantity=5)
        line = make.cart_item(user, product, 2)
        response = client.post("/api/checkout/validate", headers=bearer(user))
        assert response.status_code == 200
        body = response.json()
        assert body["valid"] is True and body["issues"] == []
        assert body["summary"] == {"subtotal": 8199.1, "discount": 0, "tax": 1475.84, "shipping": 0, "total": 9674.94}
        assert body["items"] == [{"id": str(line.id), "product_id": str(product.id), "quantity": 2,
                                  "name": product.name, "description": product.description, "price": 4555.06,
                                  "final_price": 4099.55, "discount_percentage": 10, "stock_quantity": 5,
                                  "images": product.images, "is_active": True, "item_total": 8199.1}]

    def test_lists_inactive_and_short_stock_issues(self, client, make):
        user, admin = make.user(), make.admin()
        short, gone = make.product(stock_quantity=3), make.product()
        make.cart_item(user, short, 3)
        make.cart_item(user, gone)
        client.put(f"/api/admin/products/{short.id}", headers=bearer(admin), json={"stock_quantity": 1})
        client.delete(f"/api/admin/products/{gone.id}", headers=bearer(admin))
        body = client.post("/api/checkout/validate", headers=bearer(user)).json()
        assert body["valid"] is False
        assert body["issues"] == [
            {"product_id": str(gone.id), "issue": "inactive", "message": "Product is no longer available."},
            {"product_id": str(short.id), "issue": "stock", "message": "Only 1 units available in stock."}]

    def test_empty_cart_is_400(self, client, make):
        response = client.post("/api/checkout/validate", headers=make.headers())
        assert (response.status_code, response.json()) == (400, {"message": "Cart is empty."})

    def test_no_token_is_401(self, client):
        assert client.post("/api/checkout/validate").status_code == 401


class TestCreateOrder:
    def test_places_the_order(self, client, make, gateway):
        user = make.user()
        product = make.product(price=4555.06, discount_percentage=10, stock_quantity=5)
        make.cart_item(user, product, 2)
        address = make.address(user)
        response = client.post("/api/checkout/create-order", headers=bearer(user),
                               json={"shipping_address_id": str(address.id), "payment_method": "razorpay"})
        assert response.status_code == 201
        body = response.json()
        assert re.fullmatch(r"ION-\d{4}-\d{4}", body["order"]["order_number"])
        assert body["order"]["totals"] == {"subtotal": 8199.1, "discount": 0, "tax": 1475.84, "shipping": 0, "total": 9674.94}
        assert body["order"]["coupon"] is None
        assert (body["amount"], body["currency"], body["key_id"]) == (967494, "INR", gateway.key_id)
        assert body["razorpay_order_id"].startswith("order_")
        provider = gateway.orders[body["razorpay_order_id"]]
        assert (provider["amount"], provider["receipt"]) == (967494, body["order"]["order_number"])
        assert make.reload_product(product).stock_quantity == 3
        assert client.get("/api/cart", headers=bearer(user)).json()["items"] == []
        order = client.get(f"/api/orders/{body['order']['id']}", headers=bearer(user)).json()["order"]
        assert (order["status"], order["payment_status"], order["shipping_method"]) == ("pending", "pending", "standard")
        assert [(i["quantity"], i["price_at_purchase"], i["subtotal"]) for i in order["items"]] == [
            (2, "4099.55", "8199.10")]

    def test_order_numbers_increase(self, client, make):
        first = make.order(make.user())
        second = make.order(make.user())
        assert int(second.order_number[-4:]) == int(first.order_number[-4:]) + 1

    def test_empty_cart_is_400(self, client, make):
        user = make.user()
        response = client.post("/api/checkout/create-order", headers=bearer(user),
                               json={"shipping_address_id": str(make.address(user).id)})
        assert (response.status_code, response.json()) == (400, {"message": "Cart is empty."})

    def test_short_stock_is_400_with_the_shortages(self, client, make):
        user, admin = make.user(), make.admin()
        product = make.product(stock_quantity=2)
        make.cart_item(user, product, 2)
        client.put(f"/api/admin/products/{product.id}", headers=bearer(admin), json={"stock_quantity": 1})
        response = client.post("/api/checkout/create-order", headers=bearer(user),
                               json={"shipping_address_id": str(make.address(user).id)})
        assert (response.status_code, response.json()) == (400, {
            "message": "Insufficient stock for some items.",
            "insufficient": [{"product_id": str(product.id), "available": 1, "requested": 2}]})
        assert make.reload_product(product).stock_quantity == 1

    def test_another_users_address_is_404(self, client, make):
        user = make.user()
        make.cart_item(user, make.product())
        response = client.post("/api/checkout/create-order", headers=bearer(user),
                               json={"shipping_address_id": str(make.address(make.user()).id)})
        assert (response.status_code, response.json()) == (404, {"message": "Address not found."})

    def test_provider_failure_is_502_and_changes_nothing(self, client, make, gateway):
        user = make.user()
        product = make.product(stock_quantity=5)
        make.cart_item(user, product, 2)
        gateway.fail_next = 1
        response = client.post("/api/checkout/create-order", headers=bearer(user),
                               json={"shipping_address_id": str(make.address(user).id)})
        assert (response.status_code, response.json()) == (
            502, {"message": "Unable to initiate payment. Please try again shortly."})
        assert make.reload_product(product).stock_quantity == 5
        assert len(client.get("/api/cart", headers=bearer(user)).json()["items"]) == 1
        assert client.get("/api/orders", headers=bearer(user)).json()["orders"] == []

    @pytest.mark.parametrize("body, param", [
        pytest.param({}, "shipping_address_id", id="missing address"),
        pytest.param({"shipping_address_id": "x"}, "shipping_address_id", id="bad address id"),
        pytest.param({"shipping_address_id": GONE, "payment_method": "cod"}, "payment_method", id="unknown method"),
    ])
    def test_invalid_body_is_400(self, client, make, body, param):
        response = client.post("/api/checkout/create-order", headers=make.headers(), json=body)
        assert response.json()["errors"][0]["param"] == param

    def test_no_token_is_401(self, client):
        assert client.post("/api/checkout/create-order", json={"shipping_address_id": GONE}).status_code == 401


class TestConfirmPayment:
    def _pay(self, client, user, order, payment_id, signature, razorpay_order_id=None):
        return client.post("/api/checkout/payment", headers=bearer(user), json={
            "order_id": str(order.id), "razorpay_order_id": razorpay_order_id or order.razorpay_order_id,
            "razorpay_payment_id": payment_id, "razorpay_signature": signature})

    def test_valid_signature_confirms_and_pays(self, client, make, gateway, outbox):
        user = make.user()
        product = make.product(price=4555.06, discount_percentage=10, stock_quantity=5)
        order = make.order(user, [(product, 2)])
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        response = self._pay(client, user, order, payment_id, signature)
        assert response.status_code == 200
        assert response.json() == {"message": "Payment processed successfully.", "order": {
            "id": str(order.id), "order_number": order.order_number, "status": "confirmed",
            "payment_status": "paid", "total_amount": "9674.94",
            "items": [{"product_id": str(product.id), "quantity": 2, "price_at_purchase": "4099.55",
                       "subtotal": "8199.10", "name": product.name, "final_price": "4099.55"}]}}
        assert outbox[-1].subject == f"Order Confirmation - {order.order_number}"
        again = self._pay(client, user, order, payment_id, signature)
        assert (again.status_code, again.json()["message"]) == (200, "Order already processed.")
        assert make.reload_product(product).stock_quantity == 3

    def test_invalid_signature_fails_the_payment_and_releases_stock(self, client, make):
        user = make.user()
        product = make.product(stock_quantity=5)
        order = make.order(user, [(product, 2)])
        response = self._pay(client, user, order, "pay_123", "0" * 64)
        assert (response.status_code, response.json()) == (400, {"message": "Invalid payment signature."})
        reloaded = make.reload_order(order)
        assert (reloaded.status, reloaded.payment_status) == ("pending", "failed")
        assert make.reload_product(product).stock_quantity == 5
        retry = self._pay(client, user, order, "pay_123", "0" * 64)
        assert (retry.status_code, retry.json()) == (400, {"message": "This order can no longer be paid."})
        assert make.reload_product(product).stock_quantity == 5

    def test_razorpay_order_mismatch_is_400(self, client, make, gateway):
        user = make.user()
        order = make.order(user)
        payment_id, signature = gateway.sign_payment("order_other")
        response = self._pay(client, user, order, payment_id, signature, razorpay_order_id="order_other")
        assert (response.status_code, response.json()) == (400, {"message": "Razorpay order mismatch."})

    def test_another_users_order_is_404(self, client, make, gateway):
        order = make.order(make.user())
        payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
        response = self._pay(client, make.user(), order, payment_id, signature)
        assert (response.status_code, response.json()) == (404, {"message": "Order not found."})

    def test_missing_signature_is_400(self, client, make):
        response = client.post("/api/checkout/payment", headers=make.headers(),
                               json={"order_id": GONE, "razorpay_order_id": "o", "razorpay_payment_id": "p"})
        assert response.json()["errors"][0]["param"] == "razorpay_signature"

    def test_no_token_is_401(self, client):
        assert client.post("/api/checkout/payment", json={}).status_code == 401
