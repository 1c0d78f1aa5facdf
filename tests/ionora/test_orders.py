"""The customer's orders (tag Orders)."""
import pytest

from tests.ionora.conftest import bearer

GONE = "00000000-0000-4000-8000-000000000000"


class TestListOrders:
    def test_lists_own_orders_newest_first(self, client, make):
        user = make.user()
        first = make.order(user, [(make.product(), 1), (make.product(), 2)])
        second = make.order(user, paid=True)
        make.order(make.user())
        body = client.get("/api/orders", headers=bearer(user)).json()
        assert [o["id"] for o in body["orders"]] == [str(second.id), str(first.id)]
        assert body["orders"][1] == {
            "id": str(first.id), "order_number": first.order_number, "status": "pending",
            "payment_status": "pending", "total_amount": f"{first.total_amount:.2f}",
            "created_at": body["orders"][1]["created_at"], "updated_at": body["orders"][1]["updated_at"],
            "items_count": "2"}
        assert body["pagination"] == {"page": 1, "limit": 10, "total": 2, "totalPages": 1}

    def test_filters_by_status_and_pages(self, client, make):
        user = make.user()
        make.order(user)
        paid = make.order(user, paid=True)
        body = client.get("/api/orders?status=confirmed", headers=bearer(user)).json()
        assert [o["id"] for o in body["orders"]] == [str(paid.id)]
        paged = client.get("/api/orders?limit=1&page=2", headers=bearer(user)).json()
        assert paged["pagination"] == {"page": 2, "limit": 1, "total": 2, "totalPages": 2}

    @pytest.mark.parametrize("query", ["limit=51", "status=lost", "page=0"])
    def test_bad_query_is_400(self, client, make, query):
        assert client.get(f"/api/orders?{query}", headers=make.headers()).status_code == 400

    def test_no_token_is_401(self, client):
        assert client.get("/api/orders").status_code == 401


class TestGetOrder:
    def test_returns_the_order_with_address_and_items(self, client, make):
        user = make.user()
        product = make.product(price=4555.06, discount_percentage=10)
        address = make.address(user, is_default=True)
        order = make.order(user, [(product, 2)], address=address)
        body = client.get(f"/api/orders/{order.id}", headers=bearer(user)).json()["order"]
        assert body["shipping_address"] == {"id": str(address.id), "address_type": "shipping",
                                            "full_address": "123 Street", "city": "Mumbai", "state": "MH",
                                            "pincode": "400001", "country": "India", "is_default": True}
        (item,) = body["items"]
        assert {k: item[k] for k in ("product_id", "quantity", "price_at_purchase", "subtotal", "name",
                                     "final_price", "images")} == {
            "product_id": str(product.id), "quantity": 2, "price_at_purchase": "4099.55", "subtotal": "8199.10",
            "name": product.name, "final_price": "4099.55", "images": product.images}
        assert {k: body[k] for k in ("subtotal", "tax_amount", "shipping_charge", "discount_amount", "total_amount",
                                     "razorpay_order_id", "shipping_method")} == {
            "subtotal": "8199.10", "tax_amount": "1475.84", "shipping_charge": "0.00", "discount_amount": "0.00",
            "total_amount": "9674.94", "razorpay_order_id": order.razorpay_order_id, "shipping_method": "standard"}

    def test_another_users_order_is_404(self, client, make):
        order = make.order(make.user())
        response = client.get(f"/api/orders/{order.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, {"message": "Order not found."})

    def test_non_uuid_is_400(self, client, make):
        assert client.get("/api/orders/42", headers=make.headers()).status_code == 400

    def test_no_token_is_401(self, client):
        assert client.get(f"/api/orders/{GONE}").status_code == 401


class TestCancelOrder:
    def test_cancels_a_pending_order_and_releases_stock(self, client, make):
        user = make.user()
        product = make.product(stock_quantity=5)
        order = make.order(user, [(product, 3)])
        response = client.post(f"/api/orders/{order.id}/cancel", headers=bearer(user))
        assert (response.status_code, response.json()) == (200, {"message": "Order cancelled successfully."})
        reloaded = make.reload_order(order)
        assert (reloaded.status, reloaded.payment_status) == ("cancelled", "pending")
        assert make.reload_product(product).stock_quantity == 5

    def test_cancelling_a_paid_order_refunds_it(self, client, make):
        user = make.user()
        order = make.order(user, paid=True)
        client.post(f"/api/orders/{order.id}/cancel", headers=bearer(user))
        assert make.reload_order(order).payment_status == "refunded"

    @pytest.mark.parametrize("statuses", [("processing",), ("processing", "shipped"), ("cancelled",)])
    def test_later_states_are_400(self, client, make, statuses):
        user = make.user()
        order = make.set_status(make.order(user), *statuses)
        response = client.post(f"/api/orders/{order.id}/cancel", headers=bearer(user))
        assert (response.status_code, response.json()) == (400, {"message": "Order cannot be cancelled at this stage."})

    def test_cancelling_twice_releases_stock_once(self, client, make):
        user = make.user()
        product = make.product(stock_quantity=5)
        order = make.order(user, [(product, 2)])
        client.post(f"/api/orders/{order.id}/cancel", headers=bearer(user))
        client.post(f"/api/orders/{order.id}/cancel", headers=bearer(user))
        assert make.reload_product(product).stock_quantity == 5

    def test_another_users_order_is_404(self, client, make):
        order = make.order(make.user())
        response = client.post(f"/api/orders/{order.id}/cancel", headers=make.headers())
        assert (response.status_code, response.json()) == (404, {"message": "Order not found."})

    def test_no_token_is_401(self, client):
        assert client.post(f"/api/orders/{GONE}/cancel").status_code == 401
