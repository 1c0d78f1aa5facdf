"""What a static storefront (the original Next.js client) needs: add to cart by its own product ids,
credentialed CORS, and the original's validation error items."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.ionora import seed
from tests.ionora.conftest import bearer

ROOT = Path(__file__).resolve().parents[2]
STOREFRONT = {"quantity": 1, "product": {
    "external_id": "mxl-5", "name": "LIFE WATER IONIZER MXL-5", "final_price": 153000,
    "description": "5 XL Matrix GRID™ Plates", "category": "Residential",
    "images": ["/images/products/life/MXL-5.png"], "stock_quantity": 999}}


def storefront_product(make, **fields):
    return make.product(**{"external_id": "mxl-5", "name": "LIFE WATER IONIZER MXL-5", "price": 153000,
                           "discount_percentage": 0, "category": "residential", "stock_quantity": 25,
                           "description": None, "images": [], "specifications": {}, **fields})


class TestAddCartItemByExternalId:
    """POST /cart with the storefront's {quantity, product: {external_id, ...}} (never product_id)."""

    def test_resolves_the_product_and_answers_the_cart(self, client, make):
        product = storefront_product(make)
        response = client.post("/api/cart", headers=make.headers(), json=STOREFRONT)
        assert response.status_code == 200
        body = response.json()
        line = body["items"][0]
        assert body == {"items": [{
            "id": line["id"], "quantity": 1, "added_at": line["added_at"],
            "product": {"id": str(product.id), "name": "LIFE WATER IONIZER MXL-5", "description": None,
                        "category": "residential", "final_price": 153000, "images": [], "stock_quantity": 25},
            "item_total": 153000}],
            "summary": {"subtotal": 153000, "tax": 27540, "shipping": 0, "total": 180540}}

    def test_a_customer_who_sends_a_price_of_1_pays_the_catalogue_price(self, client, make, gateway):
        product = storefront_product(make)
        user = make.user()
        address = make.address(user)
        forged = {"quantity": 2, "product": {**STOREFRONT["product"], "final_price": 1, "name": "Free ionizer",
                                             "stock_quantity": 100000}}
        cart = client.post("/api/cart", headers=bearer(user), json=forged).json()
        assert cart["summary"] == {"subtotal": 306000, "tax": 55080, "shipping": 0, "total": 361080}
        assert cart["items"][0]["product"]["name"] == "LIFE WATER IONIZER MXL-5"
        placed = client.post("/api/checkout/create-order", headers=bearer(user),
                             json={"shipping_address_id": str(address.id), "payment_method": "razorpay"}).json()
        assert placed["amount"] == 36108000
        assert gateway.orders[placed["razorpay_order_id"]]["amount"] == 36108000
        payment_id, signature = gateway.sign_payment(placed["razorpay_order_id"])
        paid = client.post("/api/checkout/payment", headers=bearer(user), json={
            "order_id": placed["order"]["id"], "razorpay_order_id": placed["razorpay_order_id"],
            "razorpay_payment_id": payment_id, "razorpay_signature": signature}).json()
        assert paid["order"]["total_amount"] == "361080.00"
        assert [(i["quantity"], i["price_at_purchase"]) for i in paid["order"]["items"]] == [(2, "153000.00")]
        reloaded = make.reload_product(product)
        assert (reloaded.price, reloaded.stock_quantity, reloaded.name) == (153000, 23, "LIFE WATER IONIZER MXL-5")

    def test_adding_again_adds_to_the_same_line(self, client, make):
        storefront_product(make)
        headers = make.headers()
        client.post("/api/cart", headers=headers, json=STOREFRONT)
        body = client.post("/api/cart", headers=headers, json={**STOREFRONT, "quantity": 2}).json()
        assert [line["quantity"] for line in body["items"]] == [3]

    def test_the_stock_sent_is_ignored(self, client, make):
        storefront_product(make, stock_quantity=1)
        response = client.post("/api/cart", headers=make.headers(), json={**STOREFRONT, "quantity": 2})
        assert (response.status_code, response.json()) == (400, {"message": "Only 1 units available in stock."})

    def test_unknown_external_id_is_400(self, client, make):
        response = client.post("/api/cart", headers=make.headers(),
                               json={"quantity": 1, "product": {**STOREFRONT["product"], "external_id": "nope"}})
        assert (response.status_code, response.json()) == (400, {"message": "Unable to resolve product for cart."})

    def test_inactive_product_is_404(self, client, make):
        storefront_product(make, is_active=False)
        response = client.post("/api/cart", headers=make.headers(), json=STOREFRONT)
        assert (response.status_code, response.json()) == (404, {"message": "Product not found."})

    def test_product_id_wins_when_both_are_sent(self, client, make):
        storefront_product(make)
        other = make.product()
        body = client.post("/api/cart", headers=make.headers(),
                           json={**STOREFRONT, "product_id": str(other.id)}).json()
        assert [line["product"]["id"] for line in body["items"]] == [str(other.id)]

    def test_neither_product_id_nor_product_is_400(self, client, make):
        response = client.post("/api/cart", headers=make.headers(), json={"quantity": 1})
        assert (response.status_code, response.json()) == (400, {"errors": [{
            "type": "field", "msg": "Either product_id or product.external_id is required.", "path": "product_id",
            "param": "product_id", "location": "body"}]})

    @pytest.mark.parametrize("product, path", [
        pytest.param({"name": "x"}, "product.external_id", id="no external id"),
        pytest.param({"external_id": "   "}, "product.external_id", id="blank external id"),
        pytest.param({"external_id": "mxl-5", "images": ["a"] * 9}, "product.images", id="too many images"),
        pytest.param({"external_id": "mxl-5", "colour": "red"}, "product.colour", id="unknown field"),
    ])
    def test_invalid_product_is_400(self, client, make, product, path):
        response = client.post("/api/cart", headers=make.headers(), json={"quantity": 1, "product": product})
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == path

    def test_no_token_is_401(self, client):
        assert client.post("/api/cart", json=STOREFRONT).status_code == 401

    def test_the_demo_catalogue_uses_the_storefronts_ids(self):
        ids = [row[0] for row in seed.CATALOG]
        assert {"mxl-5", "mxl-7", "msl-5", "kyron-5", "mediqua-hy-101"} <= set(ids)
        assert len(ids) == len(set(ids))


class TestAdminExternalId:
    def test_create_and_update_set_the_external_id(self, client, make):
        admin = bearer(make.admin())
        created = client.post("/api/admin/products", headers=admin,
                              json={"name": "MXL-9", "price": 256000, "external_id": " mxl-9 "})
        assert created.status_code == 201
        product = created.json()["product"]
        assert product["external_id"] == "mxl-9"
        updated = client.put(f"/api/admin/products/{product['id']}", headers=admin, json={"external_id": "mxl-9b"})
        assert updated.json()["product"]["external_id"] == "mxl-9b"
        cleared = client.put(f"/api/admin/products/{product['id']}", headers=admin, json={"external_id": None})
        assert cleared.json()["product"]["external_id"] is None

    def test_public_product_answers_do_not_show_it(self, client, make):
        product = storefront_product(make)
        assert "external_id" not in client.get(f"/api/products/{product.id}").json()["product"]

    def test_an_external_id_names_one_product(self, client, make):
        storefront_product(make)
        other = make.product()
        admin = bearer(make.admin())
        created = client.post("/api/admin/products", headers=admin,
                              json={"name": "Copy", "price": 1, "external_id": "mxl-5"})
        assert (created.status_code, created.json()) == (
            409, {"message": "Another product already has external_id 'mxl-5'."})
        updated = client.put(f"/api/admin/products/{other.id}", headers=admin, json={"external_id": "mxl-5"})
        assert updated.status_code == 409


class TestValidationErrorItems:
    """Ionora's validation items carry express-validator's type, value, path and location beside param."""

    def test_body_item(self, client):
        response = client.post("/api/auth/register", json={"email": "a@example.com", "password": "Password123",
                                                            "full_name": "A", "phone": "12"})
        assert response.status_code == 400
        assert response.json() == {"errors": [{
            "type": "field", "value": "12", "msg": "'12' is too short", "path": "phone", "param": "phone",
            "location": "body"}]}

    def test_missing_field_has_no_value(self, client):
        response = client.post("/api/public/callback-request", json={"name": "Jane", "phone": "9876543210"})
        assert response.json() == {"errors": [{
            "type": "field", "msg": "'state' is a required property", "path": "state", "param": "state",
            "location": "body"}]}

    def test_passwords_are_never_echoed(self, client):
        response = client.post("/api/auth/register", json={"email": "a@example.com", "password": "short",
                                                            "full_name": "A", "phone": "98765"})
        item = response.json()["errors"][0]
        assert item["param"] == "password" and "value" not in item

    def test_objects_and_very_long_strings_are_not_echoed(self, client, make):
        long_name = client.post("/api/auth/register", json={"email": "a@example.com", "password": "Password123",
                                                             "full_name": "x" * 1001, "phone": "98765"})
        assert "value" not in long_name.json()["errors"][0]
        not_an_object = client.post("/api/cart", headers=make.headers(), json={"product": ["mxl-5"]})
        item = not_an_object.json()["errors"][0]
        assert item["param"] == "product" and "value" not in item

    def test_query_item(self, client):
        response = client.get("/api/products?limit=500")
        item = response.json()["errors"][0]
        assert (item["type"], item["value"], item["path"], item["param"], item["location"]) == (
            "field", 500, "limit", "limit", "query")


CORS_PROBE = """
import json, os, sys
os.environ.update(json.loads(sys.argv[1]))
from server.app import create_app
from server.settings import Settings
settings = Settings.from_env("ionora", database_url="sqlite://", jwt_secret="x" * 40)
client = create_app("ionora", settings).test_client()
out = []
for origin in sys.argv[2:]:
    pre = client.options("/api/cart", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "authorization,content-type"})
    get = client.get("/api/products/search", headers={"Origin": origin})
    out.append({"origin": origin, "preflight": pre.status_code,
                "allow_origin": pre.headers.get("access-control-allow-origin"),
                "allow_credentials": pre.headers.get("access-control-allow-credentials"),
                "response_allow_origin": get.headers.get("access-control-allow-origin"),
                "response_allow_credentials": get.headers.get("access-control-allow-credentials")})
print(json.dumps(out))
"""


def cors_probe(env, *origins):
    done = subprocess.run([sys.executable, "-c", CORS_PROBE, json.dumps({"APP_ENV": "development", **env}), *origins],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {row.pop("origin"): row for row in json.loads(done.stdout.strip().splitlines()[-1])}


class TestCorsForBrowserClients:
    """The storefront fetches with credentials: 'include'; browsers need the exact origin and
    Access-Control-Allow-Credentials: true on the preflight and on the response."""

    def test_development_default_allows_the_clients_usual_origins(self, client):
        for origin in ("http://localhost:3000", "http://127.0.0.1:3000"):
            preflight = client.options("/api/cart", headers={
                "Origin": origin, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type"})
            assert preflight.status_code == 200
            assert preflight.headers["access-control-allow-origin"] == origin
            assert preflight.headers["access-control-allow-credentials"] == "true"
            response = client.post("/api/auth/login", headers={"Origin": origin},
                                   json={"email": "nobody@example.com", "password": "x"})
            assert response.status_code == 401
            assert response.headers["access-control-allow-origin"] == origin
            assert response.headers["access-control-allow-credentials"] == "true"

    def test_other_origins_are_not_allowed_by_default(self, client):
        preflight = client.options("/api/cart", headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 400
        assert "access-control-allow-origin" not in preflight.headers
        response = client.get("/api/products", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers

    def test_an_explicit_list_answers_those_origins_with_credentials(self):
        seen = cors_probe({"CORS_ORIGINS": "https://shop.example, http://127.0.0.1:13000"},
                          "https://shop.example", "http://127.0.0.1:13000", "http://localhost:3000")
        for origin in ("https://shop.example", "http://127.0.0.1:13000"):
            assert seen[origin] == {"preflight": 200, "allow_origin": origin, "allow_credentials": "true",
                                    "response_allow_origin": origin, "response_allow_credentials": "true"}
        assert seen["http://localhost:3000"]["preflight"] == 400
        assert seen["http://localhost:3000"]["response_allow_origin"] is None
