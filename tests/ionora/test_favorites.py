"""Favorites (tag Favorites)."""
from tests.ionora.conftest import bearer

GONE = "00000000-0000-4000-8000-000000000000"


class TestAddFavorite:
    def test_adds_once(self, client, make):
        user = make.user()
        product = make.product()
        for _ in range(2):
            response = client.post("/api/favorites", headers=bearer(user), json={"product_id": str(product.id)})
            assert (response.status_code, response.json()) == (200, {"message": "Product added to favorites."})
        assert len(client.get("/api/favorites", headers=bearer(user)).json()["favorites"]) == 1

    def test_inactive_or_unknown_product_is_404(self, client, make):
        for product_id in (str(make.product(is_active=False).id), GONE):
            response = client.post("/api/favorites", headers=make.headers(), json={"product_id": product_id})
            assert (response.status_code, response.json()) == (404, {"message": "Product not found."})

    def test_bad_id_is_400(self, client, make):
        response = client.post("/api/favorites", headers=make.headers(), json={"product_id": "x"})
        assert response.json()["errors"][0]["param"] == "product_id"

    def test_no_token_is_401(self, client):
        assert client.post("/api/favorites", json={"product_id": GONE}).status_code == 401


class TestListFavorites:
    def test_lists_own_favorites_with_numbers(self, client, make):
        user, other = make.user(), make.user()
        product = make.product(price=8999, discount_percentage=10, stock_quantity=5, category="alkaline",
                               images=["https://x/1.png"])
        client.post("/api/favorites", headers=bearer(user), json={"product_id": str(product.id)})
        client.post("/api/favorites", headers=bearer(other), json={"product_id": str(make.product().id)})
        (favorite,) = client.get("/api/favorites", headers=bearer(user)).json()["favorites"]
        shown = favorite["product"]
        assert {k: v for k, v in shown.items() if k not in ("created_at", "updated_at")} == {
            "id": str(product.id), "name": product.name, "description": product.description, "price": 8999,
            "discount_percentage": 10, "final_price": 8099.1, "category": "alkaline", "images": ["https://x/1.png"],
            "is_active": True, "stock_quantity": 5}
        assert set(favorite) == {"id", "added_at", "product"}

    def test_no_token_is_401(self, client):
        assert client.get("/api/favorites").status_code == 401


class TestRemoveFavorite:
    def test_removes(self, client, make):
        user = make.user()
        product = make.product()
        client.post("/api/favorites", headers=bearer(user), json={"product_id": str(product.id)})
        response = client.delete(f"/api/favorites/{product.id}", headers=bearer(user))
        assert (response.status_code, response.json()) == (200, {"message": "Product removed from favorites."})
        assert client.get("/api/favorites", headers=bearer(user)).json() == {"favorites": []}

    def test_not_a_favorite_is_404(self, client, make):
        owner = make.user()
        product = make.product()
        client.post("/api/favorites", headers=bearer(owner), json={"product_id": str(product.id)})
        response = client.delete(f"/api/favorites/{product.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, {"message": "Favorite not found."})

    def test_non_uuid_is_400(self, client, make):
        assert client.delete("/api/favorites/abc", headers=make.headers()).status_code == 400

    def test_no_token_is_401(self, client):
        assert client.delete(f"/api/favorites/{GONE}").status_code == 401
