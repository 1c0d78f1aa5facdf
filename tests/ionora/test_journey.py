"""End to end over HTTP: the happy path from registration to delivery, and the failure paths."""
from models.ionora import database, seed
from server.products.ionora import PRODUCT
from server.ratelimit import Limiter
from tests.ionora.conftest import bearer


def register(client, email):
    response = client.post("/api/auth/register", json={"email": email, "password": "Password123",
                                                        "full_name": "Jane Doe", "phone": "9876543210"})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}


def checkout(client, headers, product_id, quantity):
    address = client.post("/api/user/address", headers=headers, json={
        "full_address": "123 Street", "city": "Mumbai", "state": "MH", "pincode": "400001", "country": "India",
        "is_default": True}).json()["address"]
    assert client.post("/api/cart", headers=headers, json={"product_id": product_id, "quantity": quantity}
                       ).status_code == 200
    assert client.post("/api/checkout/validate", headers=headers).json()["valid"] is True
    return client.post("/api/checkout/create-order", headers=headers,
                       json={"shipping_address_id": address["id"], "payment_method": "razorpay"})


class TestJourney:
    def test_register_to_delivered(self, client, make, gateway):
        admin = bearer(make.admin())
        created = client.post("/api/admin/products", headers=admin, json={
            "name": "Ionora Classic 7", "price": 89999, "discount_percentage": 15, "category": "standard",
            "stock_quantity": 5}).json()["product"]
        headers = register(client, "journey@example.com")
        listing = client.get("/api/products?category=standard").json()["products"]
        assert [p["id"] for p in listing] == [created["id"]]
        assert client.get(f"/api/products/{created['id']}").json()["product"]["final_price"] == "76499.15"
        placed = checkout(client, headers, created["id"], 2)
        assert placed.status_code == 201
        body = placed.json()
        assert body["order"]["totals"] == {"subtotal": 152998.3, "discount": 0, "tax": 27539.69, "shipping": 0, "total": 180537.99}
        assert body["amount"] == 18053799
        payment_id, signature = gateway.sign_payment(body["razorpay_order_id"])
        paid = client.post("/api/checkout/payment", headers=headers, json={
            "order_id": body["order"]["id"], "razorpay_order_id": body["razorpay_order_id"],
            "razorpay_payment_id": payment_id, "razorpay_signature": signature})
        assert paid.json()["order"]["status"] == "confirmed"
        order_id = body["order"]["id"]
        for status in ("processing", "shipped", "delivered"):
            extra = {"tracking_number": "TRACK123"} if status == "shipped" else {}
            assert client.put(f"/api/admin/orders/{order_id}/status", headers=admin,
                              json={"status": status, **extra}).status_code == 200
        detail = client.get(f"/api/orders/{order_id}", headers=headers).json()["order"]
        assert (detail["status"], detail["payment_status"], detail["tracking_number"]) == ("delivered", "paid", "TRACK123")
        assert all(detail[k] for k in ("confirmed_at", "shipped_at", "delivered_at"))
        assert client.get(f"/api/products/{created['id']}").json()["product"]["stock_quantity"] == 3
        assert client.post(f"/api/orders/{order_id}/cancel", headers=headers).status_code == 400

    def test_bad_signature_then_cancel(self, client, make):
        product = make.product(stock_quantity=2)
        headers = register(client, "unlucky@example.com")
        body = checkout(client, headers, str(product.id), 2).json()
        assert client.get(f"/api/products/{product.id}").json()["product"]["stock_quantity"] == 0
        failed = client.post("/api/checkout/payment", headers=headers, json={
            "order_id": body["order"]["id"], "razorpay_order_id": body["razorpay_order_id"],
            "razorpay_payment_id": "pay_x", "razorpay_signature": "forged"})
        assert failed.status_code == 400
        assert client.get(f"/api/products/{product.id}").json()["product"]["stock_quantity"] == 2
        assert client.post(f"/api/orders/{body['order']['id']}/cancel", headers=headers).status_code == 200
        assert client.get(f"/api/products/{product.id}").json()["product"]["stock_quantity"] == 2

    def test_out_of_stock(self, client, make):
        product = make.product(stock_quantity=1)
        first, second = register(client, "first@example.com"), register(client, "second@example.com")
        client.post("/api/cart", headers=second, json={"product_id": str(product.id)})
        assert checkout(client, first, str(product.id), 1).status_code == 201  # takes the last unit
        response = client.post("/api/user/address", headers=second, json={
            "full_address": "1 Road", "city": "Pune", "state": "MH", "pincode": "411001", "country": "India"})
        assert client.post("/api/checkout/validate", headers=second).json()["issues"] == [
            {"product_id": str(product.id), "issue": "stock", "message": "Only 0 units available in stock."}]
        refused = client.post("/api/checkout/create-order", headers=second,
                              json={"shipping_address_id": response.json()["address"]["id"]})
        assert refused.json() == {"message": "Insufficient stock for some items.",
                                  "insufficient": [{"product_id": str(product.id), "available": 0, "requested": 1}]}


class TestRateLimits:
    def _with_limits(self):
        PRODUCT.runtime.limiter = Limiter(PRODUCT.rate_rules)

    def test_auth_limiter_answers_429_in_ionora_style(self, client, ionora):
        self._with_limits()
        try:
            statuses = [client.post("/api/auth/login", json={"email": "a@example.com", "password": "x"})
                        for _ in range(6)]
        finally:
            PRODUCT.runtime.limiter = None
        assert [r.status_code for r in statuses] == [401] * 5 + [429]
        assert statuses[0].headers["X-RateLimit-Limit"] == "5"
        assert statuses[4].headers["X-RateLimit-Remaining"] == "0"
        assert statuses[5].json() == {"success": False, "error": {
            "code": "AUTH_RATE_LIMIT_EXCEEDED", "message": "Too many authentication attempts, please try again later."},
            "message": "Too many authentication attempts, please try again later."}
        assert int(statuses[5].headers["Retry-After"]) > 0

    def test_general_limiter_answers_429(self, client, ionora):
        self._with_limits()
        try:
            responses = [client.get("/api/products") for _ in range(101)]
        finally:
            PRODUCT.runtime.limiter = None
        assert responses[0].headers["X-RateLimit-Limit"] == "100"
        assert responses[-1].status_code == 429
        assert responses[-1].json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"


class TestPlatform:
    def test_health(self, client, ionora):
        assert client.get("/health").json() == {"status": "ok"}

    def test_unknown_route_and_method(self, client, ionora):
        assert client.get("/api/nothing").json() == {"message": "Route not found."}
        response = client.patch("/api/cart")
        assert (response.status_code, response.json()) == (405, {"message": "Method not allowed."})
        assert response.headers["Allow"] == "DELETE, GET, POST"

    def test_seed_loads_the_catalog_once(self, client, ionora):
        with database.unit_of_work() as uow:
            accounts = seed.seed(uow.session)
            again = seed.seed(uow.session)
            uow.commit()
        assert [a[1] for a in accounts] == ["admin@ionora.example", "alice@example.com", "bob@example.com",
                                            "carol@example.com"] and again == accounts
        assert client.get("/api/products?limit=100").json()["pagination"]["total"] == len(seed.CATALOG) - 1
        login = client.post("/api/auth/login", json={"email": "admin@ionora.example", "password": "AdminPass123!"})
        assert client.get("/api/admin/orders", headers={"Authorization": f"Bearer {login.json()['token']}"}
                          ).status_code == 200

    def test_create_admin_hook_makes_an_admin(self, client, ionora):
        with database.unit_of_work() as uow:
            PRODUCT.create_admin(uow.session, "Root", "root@example.com", "RootPass123")
            uow.commit()
        token = client.post("/api/auth/login", json={"email": "root@example.com", "password": "RootPass123"}).json()["token"]
        assert client.get("/api/admin/orders", headers={"Authorization": f"Bearer {token}"}).status_code == 200
