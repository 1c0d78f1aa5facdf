"""The cart: lines by (product, size, variant), merges, quantity 0 removes, stock checks, own cart only."""
import pytest

from tests.diora import catalog_support as catalog
from tests.diora.conftest import error


def lines(response):
    return [(l["productId"]["_id"], l["size"], l["variant"], l["quantity"]) for l in response.json()["cart"]["products"]]


class TestGetCart:
    def test_empty_cart(self, client, make):
        me = make.user()
        assert client.get("/api/cart", headers=make.headers(me)).json() == {
            "status": True, "cart": {"_id": me.id, "userId": me.id, "products": [], "totalItems": 0, "subtotal": 0}}

    def test_lines_with_products_and_only_ones_own(self, client, make):
        me, other = make.user(), make.user()
        item = catalog.product(make.shop(), price="20.00", discount=25)
        catalog.in_cart(me, item, 2)
        catalog.in_cart(other, item, 1)
        body = client.get("/api/cart", headers=make.headers(me)).json()["cart"]
        [line] = body["products"]
        assert (line["quantity"], line["size"], line["variant"], line["productId"]["_id"]) == (2, "M", "Blue", item.id)
        assert line["productId"]["finalPrice"] == 15.0
        assert (body["totalItems"], body["subtotal"]) == (2, 30.0)

    def test_hidden_products_are_not_shown(self, client, make):
        me = make.user()
        item = catalog.product(make.shop())
        catalog.in_cart(me, item)
        with catalog.database.unit_of_work() as uow:
            catalog.products.hide_product(uow.session, item.id, True)
            uow.commit()
        assert client.get("/api/cart", headers=make.headers(me)).json()["cart"]["products"] == []

    def test_needs_a_token(self, client):
        assert client.get("/api/cart").json() == error("No token provided", "AUTH_001")


class TestAddToCart:
    def test_adds_and_merges_same_identity(self, client, make):
        me = make.user()
        item = catalog.product(make.shop(), stock=10)
        headers = make.headers(me)
        body = {"productId": item.id, "quantity": 2, "size": "M", "variant": "Blue"}
        first = client.post("/api/cart", json=body, headers=headers)
        assert first.status_code == 200 and first.json()["message"] == "Product added to cart"
        assert lines(client.post("/api/cart", json=body, headers=headers)) == [(item.id, "M", "Blue", 4)]
        other_size = client.post("/api/cart", json={**body, "size": "S"}, headers=headers)
        assert lines(other_size) == [(item.id, "M", "Blue", 4), (item.id, "S", "Blue", 2)]
        plain = client.post("/api/cart", json={"productId": item.id}, headers=headers)
        assert lines(plain)[-1] == (item.id, "", "", 1)

    def test_stock_errors(self, client, make):
        headers = make.headers()
        sold_out = catalog.product(make.shop(), stock=0)
        response = client.post("/api/cart", json={"productId": sold_out.id}, headers=headers)
        assert response.status_code == 400
        assert response.json() == error("Product is out of stock", "CART_002", field="productId")
        few = catalog.product(make.shop(), stock=3)
        client.post("/api/cart", json={"productId": few.id, "quantity": 2}, headers=headers)
        response = client.post("/api/cart", json={"productId": few.id, "quantity": 2}, headers=headers)
        assert response.json() == error("Only 3 items available in stock", "CART_003", field="quantity", available=3)

    @pytest.mark.parametrize("body, field", [({}, "productId"), ({"productId": "x"}, "productId"),
                                             ({"productId": "a" * 24, "quantity": 0}, "quantity"),
                                             ({"productId": "a" * 24, "size": "x" * 51}, "size")])
    def test_bad_bodies_are_400(self, client, make, body, field):
        response = client.post("/api/cart", json=body, headers=make.headers())
        assert response.status_code == 400 and response.json()["field"] == field

    def test_unknown_or_hidden_product_is_404(self, client, make):
        hidden = catalog.product(make.shop(), hidden=True)
        for product_id in ("d" * 24, hidden.id):
            response = client.post("/api/cart", json={"productId": product_id}, headers=make.headers())
            assert response.json() == error("Product not found", "PROD_001")

    def test_needs_a_token(self, client):
        assert client.post("/api/cart", json={"productId": "a" * 24}).status_code == 401


class TestUpdateCartItem:
    def test_sets_quantity_and_zero_removes(self, client, make):
        me = make.user()
        item = catalog.product(make.shop(), stock=9)
        catalog.in_cart(me, item, 1)
        headers = make.headers(me)
        body = {"productId": item.id, "quantity": 5, "size": "M", "variant": "Blue"}
        assert lines(client.patch("/api/cart", json=body, headers=headers)) == [(item.id, "M", "Blue", 5)]
        assert lines(client.patch("/api/cart", json={**body, "quantity": 0}, headers=headers)) == []

    def test_errors(self, client, make):
        me = make.user()
        item = catalog.product(make.shop(), stock=2)
        catalog.in_cart(me, item, 1)
        headers = make.headers(me)
        body = {"productId": item.id, "size": "M", "variant": "Blue"}
        negative = client.patch("/api/cart", json={**body, "quantity": -1}, headers=headers)
        assert negative.status_code == 400 and negative.json() == error(
            "-1 is less than the minimum of 0 (quantity)", field="quantity",
            errors=[{"field": "quantity", "location": "body", "message": "-1 is less than the minimum of 0"}])
        assert client.patch("/api/cart", json={**body, "quantity": 3}, headers=headers).json()["code"] == "CART_003"
        missing = client.patch("/api/cart", json={**body, "size": "XL", "quantity": 1}, headers=headers)
        assert missing.status_code == 404 and missing.json() == error("Item not found in cart", "CART_004")

    def test_another_users_line_is_not_mine(self, client, make):
        owner = make.user()
        item = catalog.product(make.shop())
        catalog.in_cart(owner, item, 1)
        body = {"productId": item.id, "quantity": 2, "size": "M", "variant": "Blue"}
        assert client.patch("/api/cart", json=body, headers=make.headers()).status_code == 404
        assert lines(client.get("/api/cart", headers=make.headers(owner))) == [(item.id, "M", "Blue", 1)]

    def test_bad_body_and_no_token(self, client, make):
        assert client.patch("/api/cart", json={"productId": "a" * 24}, headers=make.headers()).status_code == 400
        assert client.patch("/api/cart", json={"productId": "a" * 24, "quantity": 1}).status_code == 401


class TestRemoveFromCart:
    def test_removes_one_identity_or_all_of_a_product(self, client, make):
        me = make.user()
        item = catalog.product(make.shop())
        catalog.in_cart(me, item, 1, size="S")
        catalog.in_cart(me, item, 1, size="M")
        headers = make.headers(me)
        response = client.request("DELETE", "/api/cart", json={"productId": item.id, "size": "S", "variant": "Blue"},
                                  headers=headers)
        assert response.json()["message"] == "Product removed from cart"
        assert lines(response) == [(item.id, "M", "Blue", 1)]
        assert lines(client.request("DELETE", "/api/cart", json={"productId": item.id}, headers=headers)) == []

    def test_bad_body_and_no_token(self, client, make):
        assert client.request("DELETE", "/api/cart", json={}, headers=make.headers()).status_code == 400
        assert client.request("DELETE", "/api/cart", json={"productId": "a" * 24}).status_code == 401


class TestClearCart:
    def test_clears_only_mine(self, client, make):
        me, other = make.user(), make.user()
        item = catalog.product(make.shop())
        catalog.in_cart(me, item)
        catalog.in_cart(other, item)
        response = client.delete("/api/cart/clear", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "Cart cleared successfully",
                                   "cart": {"_id": me.id, "userId": me.id, "products": [], "totalItems": 0,
                                            "subtotal": 0}}
        assert len(lines(client.get("/api/cart", headers=make.headers(other)))) == 1

    def test_needs_a_token(self, client):
        assert client.delete("/api/cart/clear").status_code == 401
