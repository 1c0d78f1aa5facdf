"""Administrators (tag Admin): orders and the catalog."""
import pytest

from models.ionora import database
from models.ionora.entities import User
from tests.ionora.conftest import bearer

GONE = "00000000-0000-4000-8000-000000000000"
FORBIDDEN = {"message": "Forbidden: admin access required."}
ADMIN_CALLS = [
    pytest.param("get", "/api/admin/orders", None, id="list orders"),
    pytest.param("put", f"/api/admin/orders/{GONE}/status", {"status": "shipped"}, id="update status"),
    pytest.param("post", "/api/admin/products", {"name": "X", "price": 1}, id="create product"),
    pytest.param("put", f"/api/admin/products/{GONE}", {"price": 1}, id="update product"),
    pytest.param("delete", f"/api/admin/products/{GONE}", None, id="delete product"),
]


def call(client, method, path, body, headers=None):
    kwargs = {"headers": headers or {}}
    if body is not None:
        kwargs["json"] = body
    return getattr(client, method)(path, **kwargs)


class TestAdminAccess:
    @pytest.mark.parametrize("method, path, body", ADMIN_CALLS)
    def test_customer_is_403(self, client, make, method, path, body):
        response = call(client, method, path, body, make.headers())
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    @pytest.mark.parametrize("method, path, body", ADMIN_CALLS)
    def test_no_token_is_401(self, client, ionora, method, path, body):
        response = call(client, method, path, body)
        assert (response.status_code, response.json()) == (401, {"message": "Authentication token missing."})

    def test_revoked_admin_loses_access_at_once(self, client, make):
        admin = make.admin()
        headers = bearer(admin)
        assert client.get("/api/admin/orders", headers=headers).status_code == 200
        with database.unit_of_work() as uow:
            uow.session.get(User, admin.id).is_admin = False
            uow.commit()
        assert client.get("/api/admin/orders", headers=headers).status_code == 403


class TestListOrders:
    def test_lists_every_order_with_its_customer(self, client, make):
        alice, bob = make.user(full_name="Alice"), make.user(full_name="Bob")
        a = make.order(alice, [(make.product(), 1), (make.product(), 1)], paid=True)
        b = make.order(bob)
        body = client.get("/api/admin/orders", headers=bearer(make.admin())).json()
        assert [o["id"] for o in body["orders"]] == [str(b.id), str(a.id)]
        row = body["orders"][1]
        assert {k: row[k] for k in ("user_id", "user_email", "user_full_name", "items_count", "status",
                                    "payment_status", "shipped_at", "delivered_at")} == {
            "user_id": str(alice.id), "user_email": alice.email, "user_full_name": "Alice", "items_count": "2",
            "status": "confirmed", "payment_status": "paid", "shipped_at": None, "delivered_at": None}
        assert row["confirmed_at"] is not None
        assert body["pagination"] == {"page": 1, "limit": 20, "total": 2, "totalPages": 1}

    def test_filters_by_status_and_user(self, client, make):
        alice, bob = make.user(), make.user()
        paid = make.order(alice, paid=True)
        make.order(alice)
        make.order(bob)
        headers = bearer(make.admin())
        assert [o["id"] for o in client.get("/api/admin/orders?status=confirmed", headers=headers).json()["orders"]] == [
            str(paid.id)]
        assert client.get(f"/api/admin/orders?user_id={alice.id}", headers=headers).json()["pagination"]["total"] == 2

    @pytest.mark.parametrize("query", ["limit=101", "user_id=abc", "status=lost"])
    def test_bad_query_is_400(self, client, make, query):
        assert client.get(f"/api/admin/orders?{query}", headers=bearer(make.admin())).status_code == 400


class TestUpdateOrderStatus:
    def _put(self, client, make, order, body, admin=None):
        return client.put(f"/api/admin/orders/{order.id}/status", headers=bearer(admin or make.admin()), json=body)

    def test_ships_with_tracking_number_and_mails_the_customer(self, client, make, outbox):
        user = make.user()
        order = make.order(user, paid=True)
        response = self._put(client, make, order, {"status": "shipped", "tracking_number": "TRACK123"})
        assert response.status_code == 200
        shown = response.json()["order"]
        assert (shown["status"], shown["tracking_number"], shown["payment_status"]) == ("shipped", "TRACK123", "paid")
        assert shown["shipped_at"] is not None and shown["user_id"] == str(user.id)
        assert outbox[-1].subject == f"Your Order {order.order_number} has Shipped" and outbox[-1].to == user.email
        delivered = self._put(client, make, order, {"status": "delivered"}).json()["order"]
        assert delivered["delivered_at"] is not None
        assert outbox[-1].subject == f"Order {order.order_number} Delivered"

    @pytest.mark.parametrize("path, target", [
        pytest.param((), "shipped", id="pending to shipped"),
        pytest.param((), "delivered", id="pending to delivered"),
        pytest.param(("processing", "shipped"), "pending", id="shipped to pending"),
        pytest.param(("cancelled",), "confirmed", id="cancelled to confirmed"),
        pytest.param(("processing", "shipped", "returned"), "delivered", id="returned to delivered"),
    ])
    def test_moves_outside_the_map_are_400(self, client, make, path, target):
        order = make.set_status(make.order(make.user()), *path)
        response = self._put(client, make, order, {"status": target})
        assert (response.status_code, response.json()) == (
            400, {"message": f"Cannot transition order from {order.status} to {target}."})

    def test_same_status_is_a_no_op(self, client, make):
        order = make.order(make.user())
        assert self._put(client, make, order, {"status": "pending"}).json()["order"]["status"] == "pending"

    def test_confirm_stamps_confirmed_at(self, client, make):
        order = make.order(make.user())
        assert self._put(client, make, order, {"status": "confirmed"}).json()["order"]["confirmed_at"] is not None

    def test_cancel_releases_stock_and_refunds(self, client, make):
        product = make.product(stock_quantity=4)
        order = make.order(make.user(), [(product, 3)], paid=True)
        shown = self._put(client, make, order, {"status": "cancelled"}).json()["order"]
        assert (shown["status"], shown["payment_status"]) == ("cancelled", "refunded")
        assert make.reload_product(product).stock_quantity == 4

    def test_unknown_order_is_404(self, client, make):
        response = client.put(f"/api/admin/orders/{GONE}/status", headers=bearer(make.admin()), json={"status": "shipped"})
        assert (response.status_code, response.json()) == (404, {"message": "Order not found."})

    @pytest.mark.parametrize("body, param", [
        pytest.param({}, "status", id="missing status"),
        pytest.param({"status": "lost"}, "status", id="unknown status"),
        pytest.param({"status": "shipped", "tracking_number": ""}, "tracking_number", id="empty tracking"),
    ])
    def test_invalid_body_is_400(self, client, make, body, param):
        response = client.put(f"/api/admin/orders/{GONE}/status", headers=bearer(make.admin()), json=body)
        assert response.json()["errors"][0]["param"] == param


class TestCreateProduct:
    def test_creates_with_defaults_and_computed_final_price(self, client, make):
        response = client.post("/api/admin/products", headers=bearer(make.admin()), json={
            "name": "Ionizer Y", "price": 9999.0, "discount_percentage": 10, "category": "alkaline",
            "stock_quantity": 20, "images": [" https://x/y.png ", ""], "specifications": {"flow_rate": "2 L/min"}})
        assert response.status_code == 201
        product = response.json()["product"]
        assert {k: v for k, v in product.items() if k not in ("id", "created_at", "updated_at")} == {
            "name": "Ionizer Y", "description": None, "price": "9999.00", "discount_percentage": "10.00",
            "final_price": "8999.10", "category": "alkaline", "stock_quantity": 20, "images": ["https://x/y.png"],
            "specifications": {"flow_rate": "2 L/min"}, "is_active": True, "external_id": None}
        assert client.get(f"/api/products/{product['id']}").status_code == 200

    @pytest.mark.parametrize("body, param", [
        pytest.param({"price": 1}, "name", id="missing name"),
        pytest.param({"name": "X"}, "price", id="missing price"),
        pytest.param({"name": "X", "price": -1}, "price", id="negative price"),
        pytest.param({"name": "X", "price": 1, "discount_percentage": 101}, "discount_percentage", id="discount over 100"),
        pytest.param({"name": "X", "price": 1, "stock_quantity": -1}, "stock_quantity", id="negative stock"),
        pytest.param({"name": "X", "price": 1, "stock_quantity": 1.5}, "stock_quantity", id="fractional stock"),
        pytest.param({"name": "X", "price": 1, "images": [3]}, "images.0", id="non-string image"),
        pytest.param({"name": "X", "price": 1, "specifications": "{}"}, "specifications", id="string specifications"),
        pytest.param({"name": "X", "price": 1, "final_price": 1}, "final_price", id="final price is computed"),
    ])
    def test_invalid_body_is_400(self, client, make, body, param):
        response = client.post("/api/admin/products", headers=bearer(make.admin()), json=body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == param


class TestUpdateProduct:
    def test_updates_fields_and_reprices(self, client, make):
        product = make.product(price=1000, discount_percentage=0)
        response = client.put(f"/api/admin/products/{product.id}", headers=bearer(make.admin()),
                              json={"discount_percentage": 25, "stock_quantity": 3})
        shown = response.json()["product"]
        assert (response.status_code, shown["final_price"], shown["stock_quantity"]) == (200, "750.00", 3)

    def test_can_reactivate(self, client, make):
        product = make.product(is_active=False)
        response = client.put(f"/api/admin/products/{product.id}", headers=bearer(make.admin()), json={"is_active": True})
        assert response.json()["product"]["is_active"] is True

    def test_no_fields_is_400(self, client, make):
        response = client.put(f"/api/admin/products/{make.product().id}", headers=bearer(make.admin()), json={})
        assert response.status_code == 400

    def test_unknown_product_is_404(self, client, make):
        response = client.put(f"/api/admin/products/{GONE}", headers=bearer(make.admin()), json={"price": 1})
        assert (response.status_code, response.json()) == (404, {"message": "Product not found."})


class TestDeleteProduct:
    def test_deactivates(self, client, make):
        product = make.product()
        response = client.delete(f"/api/admin/products/{product.id}", headers=bearer(make.admin()))
        assert (response.status_code, response.json()) == (200, {"message": "Product deactivated successfully."})
        assert client.get(f"/api/products/{product.id}").status_code == 404
        assert make.reload_product(product).is_active is False

    def test_unknown_product_is_404(self, client, make):
        response = client.delete(f"/api/admin/products/{GONE}", headers=bearer(make.admin()))
        assert (response.status_code, response.json()) == (404, {"message": "Product not found."})
