"""Coupons (additions to the reference, the original server's rules): preview on the cart, applied and
counted by create-order, given back on cancel."""
import datetime as dt

import pytest

from tests.ionora.conftest import bearer


def now():
    return dt.datetime.now(dt.timezone.utc)


def cart_of(make, user, price=10000, quantity=1):
    product = make.product(price=price, discount_percentage=0, stock_quantity=10)
    make.cart_item(user, product, quantity)
    return product


class TestApplyCoupon:
    def test_percentage_coupon(self, client, make):
        user = make.user()
        cart_of(make, user, price=8000)
        make.coupon("SAVE10", discount_type="percentage", discount_value=10, max_uses=5)
        response = client.post("/api/checkout/apply-coupon", headers=bearer(user), json={"code": "  save10 "})
        assert response.status_code == 200
        assert response.json() == {
            "coupon": {"code": "SAVE10", "discount_type": "percentage", "discount_value": 10, "min_order_value": 0,
                       "max_uses": 5, "remaining_uses": 5, "valid_from": None, "valid_until": None},
            # 8000 - 800 = 7200 discounted; tax 18 % of it; free shipping from 5000
            "summary": {"subtotal": 8000, "discount": 800, "tax": 1296, "shipping": 0, "total": 8496}}

    def test_fixed_coupon_below_the_shipping_threshold(self, client, make):
        user = make.user()
        cart_of(make, user, price=5500)
        make.coupon("FLAT1000", discount_type="fixed", discount_value=1000)
        body = client.post("/api/checkout/apply-coupon", headers=bearer(user), json={"code": "FLAT1000"}).json()
        assert body["summary"] == {"subtotal": 5500, "discount": 1000, "tax": 810, "shipping": 250, "total": 5560}
        assert (body["coupon"]["max_uses"], body["coupon"]["remaining_uses"]) == (None, None)

    def test_discount_is_capped_at_the_subtotal(self, client, make):
        user = make.user()
        cart_of(make, user, price=300)
        make.coupon("BIG", discount_type="fixed", discount_value=1000)
        body = client.post("/api/checkout/apply-coupon", headers=bearer(user), json={"code": "BIG"}).json()
        assert body["summary"] == {"subtotal": 300, "discount": 300, "tax": 0, "shipping": 0, "total": 0}

    @pytest.mark.parametrize("fields, message", [
        pytest.param({"is_active": False}, "Coupon is inactive.", id="inactive"),
        pytest.param({"valid_from": "future"}, "Coupon is not yet valid.", id="not yet valid"),
        pytest.param({"valid_until": "past"}, "Coupon has expired.", id="expired"),
        pytest.param({"min_order_value": 20000}, "Minimum order value of INR 20000.00 required.", id="minimum"),
        pytest.param({"max_uses": 0}, "Coupon usage limit reached.", id="used up"),
    ])
    def test_broken_rules_are_400(self, client, make, fields, message):
        user = make.user()
        cart_of(make, user)
        if fields.get("valid_from") == "future":
            fields["valid_from"] = now() + dt.timedelta(days=1)
        if fields.get("valid_until") == "past":
            fields["valid_until"] = now() - dt.timedelta(days=1)
        make.coupon("RULES", **fields)
        response = client.post("/api/checkout/apply-coupon", headers=bearer(user), json={"code": "RULES"})
        assert (response.status_code, response.json()) == (400, {"message": message})

    def test_unknown_code_is_400(self, client, make):
        user = make.user()
        cart_of(make, user)
        response = client.post("/api/checkout/apply-coupon", headers=bearer(user), json={"code": "NOPE"})
        assert (response.status_code, response.json()) == (400, {"message": "Coupon not found or inactive."})

    def test_empty_cart_is_400(self, client, make):
        make.coupon("SAVE10")
        response = client.post("/api/checkout/apply-coupon", headers=make.headers(), json={"code": "SAVE10"})
        assert (response.status_code, response.json()) == (400, {"message": "Cart is empty."})

    @pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "   "}, {"code": "x" * 65}, {"code": 5}])
    def test_invalid_body_is_400(self, client, make, body):
        response = client.post("/api/checkout/apply-coupon", headers=make.headers(), json=body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == "code"

    def test_no_token_is_401(self, client):
        assert client.post("/api/checkout/apply-coupon", json={"code": "SAVE10"}).status_code == 401


class TestCreateOrderWithCoupon:
    def test_applies_the_discount_and_counts_a_use(self, client, make, gateway):
        user = make.user()
        cart_of(make, user, price=8000)
        coupon = make.coupon("SAVE10", max_uses=2)
        address = make.address(user)
        response = client.post("/api/checkout/create-order", headers=bearer(user), json={
            "shipping_address_id": str(address.id), "payment_method": "razorpay", "coupon_code": "save10"})
        assert response.status_code == 201
        body = response.json()
        assert body["order"]["totals"] == {"subtotal": 8000, "discount": 800, "tax": 1296, "shipping": 0,
                                           "total": 8496}
        assert body["order"]["coupon"] == {
            "code": "SAVE10", "discount_type": "percentage", "discount_value": 10, "min_order_value": 0,
            "max_uses": 2, "remaining_uses": 1, "valid_from": None, "valid_until": None}
        assert body["amount"] == 849600 and gateway.orders[body["razorpay_order_id"]]["amount"] == 849600
        assert make.reload_coupon(coupon).usage_count == 1
        order = client.get(f"/api/orders/{body['order']['id']}", headers=bearer(user)).json()["order"]
        assert (order["subtotal"], order["discount_amount"], order["tax_amount"], order["total_amount"],
                order["coupon_code"]) == ("8000.00", "800.00", "1296.00", "8496.00", "SAVE10")

    def test_the_usage_limit_holds(self, client, make):
        make.coupon("ONCE", max_uses=1)
        first, second = make.user(), make.user()
        for user in (first, second):
            cart_of(make, user)
        placed = client.post("/api/checkout/create-order", headers=bearer(first), json={
            "shipping_address_id": str(make.address(first).id), "coupon_code": "ONCE"})
        assert placed.status_code == 201
        refused = client.post("/api/checkout/create-order", headers=bearer(second), json={
            "shipping_address_id": str(make.address(second).id), "coupon_code": "ONCE"})
        assert (refused.status_code, refused.json()) == (400, {"message": "Coupon usage limit reached."})
        assert len(client.get("/api/cart", headers=bearer(second)).json()["items"]) == 1  # nothing changed

    def test_a_refused_coupon_changes_nothing(self, client, make):
        user = make.user()
        product = cart_of(make, user)
        response = client.post("/api/checkout/create-order", headers=bearer(user), json={
            "shipping_address_id": str(make.address(user).id), "coupon_code": "NOPE"})
        assert (response.status_code, response.json()) == (400, {"message": "Coupon not found or inactive."})
        assert make.reload_product(product).stock_quantity == 10

    def test_empty_code_means_no_coupon(self, client, make):
        user = make.user()
        cart_of(make, user)
        response = client.post("/api/checkout/create-order", headers=bearer(user), json={
            "shipping_address_id": str(make.address(user).id), "coupon_code": ""})
        assert response.status_code == 201
        assert response.json()["order"]["coupon"] is None


class TestCancelGivesTheCouponUseBack:
    def test_user_cancel(self, client, make):
        user = make.user()
        cart_of(make, user)
        coupon = make.coupon("ONCE", max_uses=1)
        placed = client.post("/api/checkout/create-order", headers=bearer(user), json={
            "shipping_address_id": str(make.address(user).id), "coupon_code": "ONCE"}).json()
        assert make.reload_coupon(coupon).usage_count == 1
        assert client.post(f"/api/orders/{placed['order']['id']}/cancel", headers=bearer(user)).status_code == 200
        assert make.reload_coupon(coupon).usage_count == 0

    def test_admin_cancel(self, client, make):
        user = make.user()
        cart_of(make, user)
        coupon = make.coupon("ONCE", max_uses=1)
        placed = client.post("/api/checkout/create-order", headers=bearer(user), json={
            "shipping_address_id": str(make.address(user).id), "coupon_code": "ONCE"}).json()
        response = client.put(f"/api/admin/orders/{placed['order']['id']}/status", headers=bearer(make.admin()),
                              json={"status": "cancelled"})
        assert response.status_code == 200 and response.json()["order"]["coupon_code"] == "ONCE"
        assert make.reload_coupon(coupon).usage_count == 0
