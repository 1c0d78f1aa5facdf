"""The cart (tag Cart)."""
import pytest

from tests.ionora.conftest import bearer

GONE = "00000000-0000-4000-8000-000000000000"


class TestAddCartItem:
    def test_adds_and_returns_the_cart_with_summary(self, client, make):
        user = make.user()
        product = make.product(price=4555.06, discount_percentage=10, stock_quantity=5, category="alkaline",
                               images=["https://x/1.png"])  # final 4099.55
        response = client.post("/api/cart", headers=bearer(user), json={"product_id": str(product.id), "quantity": 2})
        assert response.status_code == 200
        body = response.json()
        (item,) = body["items"]
        assert item == {"id": item["id"], "quantity": 2, "added_at": item["added_at"], "item_total": 8199.1,
                        "product": {"id": str(product.id), "name": product.name, "description": product.description,
                                    "category": "alkaline", "final_price": 4099.55, "images": ["https://x/1.png"],
                                    "stock_quantity": 5}}
        assert body["summary"] == {"subtotal": 8199.1, "tax": 1475.84, "shipping": 0, "total": 9674.94}

    def test_adding_again_increases_the_line(self, client, make):
        user = make.user()
        product = make.product(stock_quantity=5)
        client.post("/api/cart", headers=bearer(user), json={"product_id": str(product.id)})
        body = client.post("/api/cart", headers=bearer(user), json={"product_id": str(product.id), "quantity": 3}
                           ).json()
        assert [i["quantity"] for i in body["items"]] == [4]

    def test_small_orders_pay_shipping(self, client, make):
        product = make.product(price=1000, discount_percentage=0)
        body = client.post("/api/cart", headers=make.headers(), json={"product_id": str(product.id)}).json()
        assert body["summary"] == {"subtotal": 1000, "tax": 180, "shipping": 250, "total": 1430}

    @pytest.mark.parametrize("stock, already, quantity, message", [
        pytest.param(0, 0, 1, "Product is out of stock.", id="out of stock"),
        pytest.param(3, 0, 4, "Only 3 units available in stock.", id="more than stock"),
        pytest.param(3, 2, 2, "Only 3 units available in stock.", id="line would exceed stock"),
    ])
    def test_stock_is_checked(self, client, make, stock, already, quantity, message):
        user = make.user()
        product = make.product(stock_quantity=stock)
        if already:
            make.cart_item(user, product, already)
        response = client.post("/api/cart", headers=bearer(user),
                               json={"product_id": str(product.id), "quantity": quantity})
        assert (response.status_code, response.json()) == (400, {"message": message})

    def test_inactive_or_unknown_product_is_404(self, client, make):
        hidden = make.product(is_active=False)
        for product_id in (str(hidden.id), GONE):
            response = client.post("/api/cart", headers=make.headers(), json={"product_id": product_id})
            assert (response.status_code, response.json()) == (404, {"message": "Product not found."})

    @pytest.mark.parametrize("body, param", [
        pytest.param({"quantity": 1}, "product_id", id="missing product"),
        pytest.param({"product_id": "abc"}, "product_id", id="bad product id"),
        pytest.param({"product_id": GONE, "quantity": 0}, "quantity", id="zero quantity"),
        pytest.param({"product_id": GONE, "quantity": 1001}, "quantity", id="huge quantity"),
        pytest.param({"product_id": GONE, "quantity": "2"}, "quantity", id="string quantity"),
    ])
    def test_invalid_body_is_400(self, client, make, body, param):
        response = client.post("/api/cart", headers=make.headers(), json=body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == param

    def test_no_token_is_401(self, client):
        assert client.post("/api/cart", json={"product_id": GONE}).json() == {
            "message": "Authentication token missing."}


class TestGetCart:
    def test_lists_own_lines_newest_first(self, client, make):
        user, other = make.user(), make.user()
        first, second = make.product(), make.product()
        make.cart_item(user, first)
        make.cart_item(user, second, 2)
        make.cart_item(other, first)
        body = client.get("/api/cart", headers=bearer(user)).json()
        assert [(i["product"]["id"], i["quantity"]) for i in body["items"]] == [(str(second.id), 2), (str(first.id), 1)]

    def test_empty_cart(self, client, make):
        assert client.get("/api/cart", headers=make.headers()).json() == {
            "items": [], "summary": {"subtotal": 0, "tax": 0, "shipping": 0, "total": 0}}

    def test_no_token_is_401(self, client):
        assert client.get("/api/cart").status_code == 401


class TestUpdateCartItem:
    def test_sets_the_quantity(self, client, make):
        user = make.user()
        line = make.cart_item(user, make.product(stock_quantity=5))
        response = client.put(f"/api/cart/{line.id}", headers=bearer(user), json={"quantity": 5})
        assert (response.status_code, response.json()) == (200, {"message": "Cart item updated successfully."})
        assert client.get("/api/cart", headers=bearer(user)).json()["items"][0]["quantity"] == 5

    def test_more_than_stock_is_400(self, client, make):
        user = make.user()
        line = make.cart_item(user, make.product(stock_quantity=5))
        response = client.put(f"/api/cart/{line.id}", headers=bearer(user), json={"quantity": 6})
        assert (response.status_code, response.json()) == (400, {"message": "Only 5 units available in stock."})

    def test_inactive_product_is_400(self, client, make):
        user = make.user()
        product = make.product()
        line = make.cart_item(user, product)
        admin = make.admin()
        client.delete(f"/api/admin/products/{product.id}", headers=bearer(admin))
        response = client.put(f"/api/cart/{line.id}", headers=bearer(user), json={"quantity": 1})
        assert (response.status_code, response.json()) == (400, {"message": "Product is no longer available."})

    def test_another_users_line_is_404(self, client, make):
        line = make.cart_item(make.user(), make.product())
        response = client.put(f"/api/cart/{line.id}", headers=make.headers(), json={"quantity": 1})
        assert (response.status_code, response.json()) == (404, {"message": "Cart item not found."})

    def test_zero_quantity_is_400(self, client, make):
        response = client.put(f"/api/cart/{GONE}", headers=make.headers(), json={"quantity": 0})
        assert response.json()["errors"][0]["param"] == "quantity"

    def test_no_token_is_401(self, client):
        assert client.put(f"/api/cart/{GONE}", json={"quantity": 1}).status_code == 401


class TestRemoveCartItem:
    def test_removes_the_line(self, client, make):
        user = make.user()
        line = make.cart_item(user, make.product())
        response = client.delete(f"/api/cart/{line.id}", headers=bearer(user))
        assert (response.status_code, response.json()) == (200, {"message": "Cart item removed successfully."})
        assert client.get("/api/cart", headers=bearer(user)).json()["items"] == []

    def test_another_users_line_is_404(self, client, make):
        line = make.cart_item(make.user(), make.product())
        response = client.delete(f"/api/cart/{line.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, {"message": "Cart item not found."})

    def test_no_token_is_401(self, client):
        assert client.delete(f"/api/cart/{GONE}").status_code == 401


class TestClearCart:
    def test_empties_only_own_cart(self, client, make):
        user, other = make.user(), make.user()
        product = make.product()
        make.cart_item(user, product)
        make.cart_item(other, product)
        response = client.delete("/api/cart", headers=bearer(user))
        assert (response.status_code, response.json()) == (200, {"message": "Cart cleared successfully."})
        assert client.get("/api/cart", headers=bearer(user)).json()["items"] == []
        assert len(client.get("/api/cart", headers=bearer(other)).json()["items"]) == 1

    def test_no_token_is_401(self, client):
        assert client.delete("/api/cart").status_code == 401
