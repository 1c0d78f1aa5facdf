"""Products: browse, trending, by shop, details, create, update, delete; visibility rules."""
import pytest

from tests.diora import catalog_support as catalog
from tests.diora.conftest import error, jpeg, png

NOT_FOUND = error("Product not found", "PROD_001")


def card(item, shop, **changes):
    """The expected ``Product`` of a product made by :func:`catalog.product` with default fields."""
    body = {
        "_id": item.id, "shopId": shop.id,
        "shop": {"_id": shop.id, "name": shop.full_name, "fullName": shop.full_name, "username": shop.username,
                 "avatar": None, "isVerified": False, "status": "active", "followers": 0, "rating": 0,
                 "reviewCount": 0, "averageRating": 0},
        "name": item.name, "description": f"{item.name}, made to last", "price": float(item.price), "discount": 0.0,
        "finalPrice": float(item.price), "stock": item.stock, "inStock": item.stock > 0,
        "imageUrl": ["http://testserver/api/uploads/images/a.png"], "image": "http://testserver/api/uploads/images/a.png",
        "category": ["outerwear"], "sizes": ["S", "M"], "variants": ["Blue"], "rating": 0, "reviewCount": 0,
        "averageRating": 0, "purchaseCount": 0, "isHidden": False,
    }
    body.update(changes)
    return body


def without_times(body):
    return {k: v for k, v in body.items() if k not in ("createdAt", "updatedAt")}


class TestBrowseProducts:
    def test_pages_newest_first_with_exact_bodies(self, client, make):
        shop = make.shop()
        old = catalog.product(shop, name="Old Coat", price="50.00")
        new = catalog.product(shop, name="New Coat", price="70.00")
        response = client.get("/api/product?limit=1", headers=make.headers())
        assert response.status_code == 200
        body = response.json()
        assert [without_times(p) for p in body["products"]] == [card(new, shop)]
        assert body["pagination"] == {"page": 1, "limit": 1, "total": 2, "totalPages": 2, "hasNextPage": True,
                                      "hasPrevPage": False}
        second = client.get("/api/product?limit=1&page=2", headers=make.headers()).json()
        assert [p["_id"] for p in second["products"]] == [old.id]

    def test_category_filter_and_price_sorts(self, client, make):
        shop = make.shop()
        cheap = catalog.product(shop, price="10.00", category=("Shoes",))
        dear = catalog.product(shop, price="90.00", category=("shoes", "men"))
        catalog.product(shop, price="50.00", category=("hats",))
        headers = make.headers()
        asc = client.get("/api/product/?category=SHOES&sort=price_asc", headers=headers).json()["products"]
        assert [p["_id"] for p in asc] == [cheap.id, dear.id]
        desc = client.get("/api/product?category=shoes&sort=price_desc", headers=headers).json()["products"]
        assert [p["_id"] for p in desc] == [dear.id, cheap.id]

    def test_hidden_products_and_suspended_or_banned_shops_are_left_out_except_for_admins(self, client, make):
        shop, suspended, banned = make.shop(), make.shop(), make.shop()
        shown = catalog.product(shop)
        hidden = catalog.product(shop, hidden=True)
        of_suspended = catalog.product(suspended)
        of_banned = catalog.product(banned)
        make.suspend(suspended)
        make.ban(banned)
        ids = [p["_id"] for p in client.get("/api/product", headers=make.headers()).json()["products"]]
        assert ids == [shown.id]
        admin_ids = {p["_id"] for p in client.get("/api/product", headers=make.headers(make.admin())).json()["products"]}
        assert admin_ids == {shown.id, hidden.id, of_suspended.id, of_banned.id}

    @pytest.mark.parametrize("query, field", [("sort=cheapest", "sort"), ("limit=0", "limit"), ("page=0", "page"),
                                              ("limit=101", "limit")])
    def test_bad_queries_are_400(self, client, make, query, field):
        response = client.get(f"/api/product?{query}", headers=make.headers())
        assert response.status_code == 400
        assert response.json()["field"] == field

    def test_needs_a_token(self, client):
        assert client.get("/api/product").json() == error("No token provided", "AUTH_001")

    def test_a_suspended_account_is_403(self, client, make):
        me = make.user()
        make.suspend(me)
        assert client.get("/api/product", headers=make.headers(me)).status_code == 403


class TestTrendingProducts:
    def test_purchases_and_engagement_rank_products(self, client, make):
        shop = make.shop()
        quiet = catalog.product(shop, name="Quiet")
        sold = catalog.product(shop, name="Sold", sold_count=40)
        wished = catalog.product(shop, name="Wished")
        for _ in range(3):
            catalog.wished(make.user(), wished)
        catalog.product(shop, name="Hidden", sold_count=99, hidden=True)
        body = client.get("/api/product/trending", headers=make.headers()).json()
        assert [p["name"] for p in body["trendingProducts"]] == ["Sold", "Wished", "Quiet"]
        assert body["products"] == body["trendingProducts"]
        assert body["trendingProducts"][0]["purchaseCount"] == 40
        assert quiet.id in [p["_id"] for p in body["products"]]

    def test_empty(self, client, make):
        assert client.get("/api/product/trending", headers=make.headers()).json() == {
            "status": True, "message": "No trending products found", "trendingProducts": [], "products": []}

    def test_limit_is_checked(self, client, make):
        assert client.get("/api/product/trending?limit=51", headers=make.headers()).status_code == 400

    def test_needs_a_token(self, client):
        assert client.get("/api/product/trending").status_code == 401


class TestShopProducts:
    def test_the_shops_products_and_the_shop(self, client, make):
        shop, other = make.shop(), make.shop()
        mine = catalog.product(shop)
        catalog.product(other)
        body = client.get(f"/api/product/shop/{shop.id}", headers=make.headers()).json()
        assert [without_times(p) for p in body["products"]] == [card(mine, shop)]
        assert body["shop"]["_id"] == shop.id and body["shop"]["name"] == "Urban Threads"
        assert body["pagination"]["total"] == 1

    def test_not_a_shop_or_suspended_is_404(self, client, make):
        user, shop = make.user(), make.shop()
        make.suspend(shop)
        for target in (user.id, shop.id, "f" * 24):
            response = client.get(f"/api/product/shop/{target}", headers=make.headers())
            assert response.status_code == 404
            assert response.json() == error("Shop not found", "USER_001")
        assert client.get(f"/api/product/shop/{shop.id}", headers=make.headers(make.admin())).status_code == 200

    def test_bad_id_is_400(self, client, make):
        assert client.get("/api/product/shop/nope", headers=make.headers()).status_code == 400

    def test_needs_a_token(self, client, make):
        assert client.get(f"/api/product/shop/{make.shop().id}").status_code == 401


class TestGetProduct:
    def test_details_with_reviews(self, client, make):
        shop, buyer = make.shop(), make.user()
        item = catalog.product(shop)
        catalog.review(buyer, "product", item.id, rating=5, comment="Lovely")
        body = client.get(f"/api/product/{item.id}", headers=make.headers()).json()
        assert without_times({k: v for k, v in body["product"].items() if k != "reviews"}) == card(
            item, shop, rating=5, reviewCount=1, averageRating=5.0)
        [review] = body["reviews"]
        assert body["product"]["reviews"] == body["reviews"]
        assert review["rating"] == 5 and review["comment"] == "Lovely" and review["user"]["_id"] == buyer.id

    def test_hidden_is_404_except_for_admins(self, client, make):
        item = catalog.product(make.shop(), hidden=True)
        assert client.get(f"/api/product/{item.id}", headers=make.headers()).json() == NOT_FOUND
        assert client.get(f"/api/product/{item.id}", headers=make.headers(make.admin())).status_code == 200

    def test_unknown_is_404_and_bad_id_400(self, client, make):
        assert client.get(f"/api/product/{'a' * 24}", headers=make.headers()).json() == NOT_FOUND
        assert client.get("/api/product/xyz", headers=make.headers()).status_code == 400

    def test_needs_a_token(self, client, make):
        assert client.get(f"/api/product/{catalog.product(make.shop()).id}").status_code == 401


def form(**fields):
    base = {"name": "Linen Shirt", "description": "Breathable", "price": "49.5", "stock": "7", "discount": "10",
            "category": '["tops", "men"]', "sizes": '["S","M"]', "colors": "White, Sand"}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


class TestCreateProduct:
    def test_multipart_with_images(self, client, make):
        shop = make.shop()
        response = client.post("/api/product", data=form(), headers=make.headers(shop),
                               files=[("image", ("a.png", png(), "image/png")), ("image", ("b.jpg", jpeg(), "image/jpeg"))])
        assert response.status_code == 201, response.text
        body = response.json()
        product = body["product"]
        assert body["message"] == "Product created successfully"
        assert (product["name"], product["price"], product["stock"], product["discount"], product["finalPrice"]) == (
            "Linen Shirt", 49.5, 7, 10.0, 44.55)
        assert (product["category"], product["sizes"], product["variants"]) == (["tops", "men"], ["S", "M"],
                                                                                ["White", "Sand"])
        assert len(product["imageUrl"]) == 2 and product["image"] == product["imageUrl"][0]
        assert client.get(product["imageUrl"][1]).status_code == 200
        assert product["shopId"] == shop.id

    @pytest.mark.parametrize("fields, field", [
        ({"name": None}, "name"), ({"price": "-1"}, "price"), ({"price": "abc"}, "price"), ({"stock": "-2"}, "stock"),
        ({"discount": "101"}, "discount"), ({"category": "[1, 2]"}, "category"), ({"sizes": "[oops"}, "sizes"),
    ])
    def test_bad_fields_are_400(self, client, make, fields, field):
        response = client.post("/api/product", data=form(**fields), headers=make.headers(make.shop()),
                               files=[("image", ("a.png", png(), "image/png"))])
        assert response.status_code == 400
        assert field in response.json()["message"]

    def test_images_are_judged_by_content(self, client, make):
        headers = make.headers(make.shop())
        response = client.post("/api/product", data=form(), headers=headers,
                               files=[("image", ("a.png", b"not an image", "image/png"))])
        assert response.status_code == 400 and response.json()["field"] == "image"
        no_image = client.post("/api/product", data=form(description=None), headers=headers,
                               files={"description": (None, "No picture")})
        assert no_image.status_code == 400 and "image" in no_image.json()["message"]
        six = [("image", (f"{i}.png", png(), "image/png")) for i in range(6)]
        assert client.post("/api/product", data=form(), headers=headers, files=six).status_code == 400

    def test_only_shops(self, client, make):
        response = client.post("/api/product", data=form(), headers=make.headers(),
                               files=[("image", ("a.png", png(), "image/png"))])
        assert response.status_code == 403
        assert response.json() == error("Access denied. Shop owners only.", "AUTH_002")

    def test_needs_a_token(self, client):
        assert client.post("/api/product", data=form()).status_code == 401


class TestUpdateProduct:
    def test_owner_changes_fields_with_json(self, client, make):
        shop = make.shop()
        item = catalog.product(shop)
        response = client.put(f"/api/product/{item.id}", json={"price": 80, "category": "Coats", "stock": 0},
                              headers=make.headers(shop))
        assert response.status_code == 200
        product = response.json()["product"]
        assert (product["price"], product["category"], product["stock"], product["inStock"]) == (80.0, ["Coats"], 0,
                                                                                               False)

    def test_new_images_replace_the_old(self, client, make):
        shop = make.shop()
        item = catalog.product(shop)
        response = client.put(f"/api/product/{item.id}", data={"name": "Renamed"}, headers=make.headers(shop),
                              files=[("image", ("a.png", png(), "image/png"))])
        assert response.status_code == 200
        product = response.json()["product"]
        assert product["name"] == "Renamed" and len(product["imageUrl"]) == 1
        assert product["imageUrl"] != ["http://testserver/api/uploads/images/a.png"]

    def test_another_shop_is_403(self, client, make):
        item = catalog.product(make.shop())
        response = client.put(f"/api/product/{item.id}", json={"price": 1}, headers=make.headers(make.shop()))
        assert response.status_code == 403
        assert response.json() == error("Not authorized to update this product", "AUTH_002")
        assert float(catalog.reload(item).price) == 99.99

    @pytest.mark.parametrize("body, field", [({"price": -1}, "price"), ({"name": ""}, "name"), ({"extra": 1}, None),
                                             ({"category": [1]}, "category")])
    def test_bad_fields_are_400(self, client, make, body, field):
        shop = make.shop()
        item = catalog.product(shop)
        response = client.put(f"/api/product/{item.id}", json=body, headers=make.headers(shop))
        assert response.status_code == 400
        if field:
            assert response.json()["field"] == field

    def test_unknown_is_404_users_are_403_no_token_401(self, client, make):
        shop = make.shop()
        assert client.put(f"/api/product/{'b' * 24}", json={}, headers=make.headers(shop)).json() == NOT_FOUND
        item = catalog.product(shop)
        assert client.put(f"/api/product/{item.id}", json={}, headers=make.headers()).status_code == 403
        assert client.put(f"/api/product/{item.id}", json={}).status_code == 401


class TestDeleteProduct:
    def test_owner_deletes(self, client, make):
        shop = make.shop()
        item = catalog.product(shop)
        catalog.in_cart(make.user(), item)
        response = client.delete(f"/api/product/{item.id}", headers=make.headers(shop))
        assert response.json() == {"status": True, "message": "Product deleted successfully"}
        assert catalog.reload(item) is None

    def test_another_shop_is_403_and_unknown_404(self, client, make):
        item = catalog.product(make.shop())
        response = client.delete(f"/api/product/{item.id}", headers=make.headers(make.shop()))
        assert response.json() == error("Not authorized to delete this product", "AUTH_002")
        assert catalog.reload(item) is not None
        assert client.delete(f"/api/product/{'c' * 24}", headers=make.headers(make.shop())).json() == NOT_FOUND

    def test_needs_a_token_and_a_shop(self, client, make):
        item = catalog.product(make.shop())
        assert client.delete(f"/api/product/{item.id}").status_code == 401
        assert client.delete(f"/api/product/{item.id}", headers=make.headers()).status_code == 403
