"""The wishlist: add, remove, toggle, own list only, hidden products not shown."""
import pytest

from tests.diora import catalog_support as catalog
from tests.diora.conftest import error


def ids(response):
    return [p["_id"] for p in response.json()["wishlist"]]


class TestGetWishlist:
    def test_newest_first_only_mine_visible_only(self, client, make):
        me = make.user()
        shop = make.shop()
        first, second, hidden = catalog.product(shop), catalog.product(shop), catalog.product(shop)
        for item in (first, second, hidden):
            catalog.wished(me, item)
        catalog.wished(make.user(), first)
        with catalog.database.unit_of_work() as uow:
            catalog.products.hide_product(uow.session, hidden.id, True)
            uow.commit()
        response = client.get("/api/wishlist", headers=make.headers(me))
        assert ids(response) == [second.id, first.id]
        assert response.json()["count"] == 2

    def test_empty(self, client, make):
        assert client.get("/api/wishlist", headers=make.headers()).json() == {"status": True, "wishlist": [], "count": 0}

    def test_needs_a_token(self, client):
        assert client.get("/api/wishlist").status_code == 401


class TestAddToWishlist:
    def test_adds_once(self, client, make):
        item = catalog.product(make.shop())
        headers = make.headers()
        response = client.post("/api/wishlist", json={"productId": item.id}, headers=headers)
        assert response.json()["message"] == "Product added to wishlist" and ids(response) == [item.id]
        again = client.post("/api/wishlist", json={"productId": item.id}, headers=headers)
        assert again.status_code == 400
        assert again.json() == error("Product already in wishlist", field="productId")

    @pytest.mark.parametrize("body", [{}, {"productId": "nope"}, {"productId": "a" * 24, "x": 1}])
    def test_bad_bodies_are_400(self, client, make, body):
        assert client.post("/api/wishlist", json=body, headers=make.headers()).status_code == 400

    def test_unknown_product_is_404(self, client, make):
        response = client.post("/api/wishlist", json={"productId": "e" * 24}, headers=make.headers())
        assert response.json() == error("Product not found", "PROD_001")

    def test_needs_a_token(self, client):
        assert client.post("/api/wishlist", json={"productId": "e" * 24}).status_code == 401


class TestRemoveFromWishlist:
    def test_removes_and_is_idempotent(self, client, make):
        me = make.user()
        item = catalog.product(make.shop())
        catalog.wished(me, item)
        for _ in range(2):
            response = client.request("DELETE", "/api/wishlist", json={"productId": item.id}, headers=make.headers(me))
            assert response.json() == {"status": True, "message": "Product removed from wishlist", "wishlist": [],
                                       "count": 0}

    def test_bad_body_and_no_token(self, client, make):
        assert client.request("DELETE", "/api/wishlist", json={}, headers=make.headers()).status_code == 400
        assert client.request("DELETE", "/api/wishlist", json={"productId": "e" * 24}).status_code == 401


class TestToggleWishlist:
    def test_toggles(self, client, make):
        item = catalog.product(make.shop())
        headers = make.headers()
        added = client.post("/api/wishlist/toggle", json={"productId": item.id}, headers=headers).json()
        assert (added["message"], added["inWishlist"], [p["_id"] for p in added["wishlist"]]) == (
            "Added to wishlist", True, [item.id])
        removed = client.post("/api/wishlist/toggle", json={"productId": item.id}, headers=headers).json()
        assert (removed["message"], removed["inWishlist"], removed["wishlist"]) == ("Removed from wishlist", False, [])

    def test_unknown_product_404_bad_body_400_no_token_401(self, client, make):
        assert client.post("/api/wishlist/toggle", json={"productId": "e" * 24}, headers=make.headers()).status_code == 404
        assert client.post("/api/wishlist/toggle", json={}, headers=make.headers()).status_code == 400
        assert client.post("/api/wishlist/toggle", json={"productId": "e" * 24}).status_code == 401
