"""Reviews of products and shops: create (one per user and target, not by the shop itself), lists,
the reviewed check, update and delete by the author; rating sums and counts kept on the targets."""
import pytest

from tests.diora import catalog_support as catalog
from tests.diora.conftest import error, png


def review_body(target_id, target_type="product", rating=4, **extra):
    return {"targetId": target_id, "targetType": target_type, "rating": rating, **extra}


class TestCreateReview:
    def test_product_review_with_exact_body_and_figures(self, client, make):
        shop, me = make.shop(), make.user(username="reviewer1")
        item = catalog.product(shop)
        response = client.post("/api/review", json=review_body(item.id, rating=5, comment=" Great "),
                               headers=make.headers(me))
        assert response.status_code == 201
        body = response.json()
        review = body["review"]
        assert {k: v for k, v in review.items() if k not in ("createdAt", "updatedAt")} == {
            "_id": review["_id"], "targetId": item.id, "targetType": "product", "rating": 5, "comment": "Great",
            "images": [], "verifiedPurchase": False,
            "user": {"_id": me.id, "username": "reviewer1", "fullName": "Jane Doe", "avatar": None, "type": "user",
                     "isVerified": False, "status": "active"}}
        assert body["message"] == "Review created successfully"
        stored = catalog.reload(item)
        assert (stored.rating_sum, stored.review_count) == (5, 1)

    def test_shop_review_fills_the_shops_rating(self, client, make):
        shop = make.shop()
        for rating in (5, 2):
            client.post("/api/review", json=review_body(shop.id, "shop", rating), headers=make.headers())
        stored = make.reload(shop)
        assert (stored.shop_rating_sum, stored.shop_review_count) == (7, 2)
        info = client.get(f"/api/shop/{shop.id}", headers=make.headers()).json()["shop"]
        assert (info["rating"], info["reviewCount"], info["shop"]["rating"], info["shop"]["averageRating"]) == (
            3.5, 2, 7, 3.5)

    def test_multipart_with_images(self, client, make):
        item = catalog.product(make.shop())
        response = client.post("/api/review", data={"targetId": item.id, "targetType": "product", "rating": "3"},
                               files=[("images", ("a.png", png(), "image/png"))], headers=make.headers())
        assert response.status_code == 201
        [url] = response.json()["review"]["images"]
        assert client.get(url).status_code == 200

    def test_second_review_is_409(self, client, make):
        me = make.user()
        item = catalog.product(make.shop())
        client.post("/api/review", json=review_body(item.id), headers=make.headers(me))
        again = client.post("/api/review", json=review_body(item.id, rating=1), headers=make.headers(me))
        assert again.status_code == 409
        assert again.json() == error("You have already reviewed this product", field="targetId")
        assert catalog.reload(item).review_count == 1

    def test_the_shop_itself_may_not_review(self, client, make):
        shop = make.shop()
        item = catalog.product(shop)
        for body in (review_body(item.id), review_body(shop.id, "shop")):
            response = client.post("/api/review", json=body, headers=make.headers(shop))
            assert response.status_code == 403
            assert response.json()["code"] == "AUTH_002"

    @pytest.mark.parametrize("body, field", [
        ({"targetType": "product", "rating": 3}, "targetId"), (review_body("a" * 24, "post"), "targetType"),
        (review_body("a" * 24, rating=0), "rating"), (review_body("a" * 24, rating=6), "rating"),
        (review_body("a" * 24, rating=4.5), "rating"), (review_body("a" * 24, comment="x" * 2001), "comment"),
    ])
    def test_bad_bodies_are_400(self, client, make, body, field):
        response = client.post("/api/review", json=body, headers=make.headers())
        assert response.status_code == 400 and response.json()["field"] == field

    def test_missing_hidden_or_non_shop_targets_are_404(self, client, make):
        hidden = catalog.product(make.shop(), hidden=True)
        headers = make.headers()
        assert client.post("/api/review", json=review_body(hidden.id), headers=headers).json() == error(
            "Product not found", "PROD_001")
        assert client.post("/api/review", json=review_body(make.user().id, "shop"), headers=headers).json() == error(
            "Shop not found", "USER_001")

    def test_needs_a_token(self, client):
        assert client.post("/api/review", json=review_body("a" * 24)).status_code == 401


class TestProductReviews:
    def test_newest_first_with_figures(self, client, make):
        item = catalog.product(make.shop())
        first = catalog.review(make.user(), "product", item.id, rating=2)
        second = catalog.review(make.user(), "product", item.id, rating=5)
        body = client.get(f"/api/review/product/{item.id}?limit=1", headers=make.headers()).json()
        assert [r["_id"] for r in body["reviews"]] == [second.id]
        assert (body["rating"], body["reviewCount"], body["averageRating"]) == (7, 2, 3.5)
        assert body["pagination"]["total"] == 2
        page2 = client.get(f"/api/review/product/{item.id}?limit=1&page=2", headers=make.headers()).json()
        assert [r["_id"] for r in page2["reviews"]] == [first.id]

    def test_none(self, client, make):
        item = catalog.product(make.shop())
        body = client.get(f"/api/review/product/{item.id}", headers=make.headers()).json()
        assert body["message"] == "No reviews found for this product" and body["reviews"] == []

    def test_unknown_404_bad_id_400_no_token_401(self, client, make):
        assert client.get(f"/api/review/product/{'a' * 24}", headers=make.headers()).status_code == 404
        assert client.get("/api/review/product/zz", headers=make.headers()).status_code == 400
        assert client.get(f"/api/review/product/{'a' * 24}").status_code == 401


class TestShopReviews:
    def test_lists_shop_reviews(self, client, make):
        shop = make.shop()
        made = catalog.review(make.user(), "shop", shop.id, rating=4)
        body = client.get(f"/api/review/shop/{shop.id}", headers=make.headers()).json()
        assert [r["_id"] for r in body["reviews"]] == [made.id]
        assert (body["rating"], body["reviewCount"], body["averageRating"]) == (4, 1, 4.0)

    def test_suspended_shop_is_404_and_no_token_401(self, client, make):
        shop = make.shop()
        make.suspend(shop)
        assert client.get(f"/api/review/shop/{shop.id}", headers=make.headers()).status_code == 404
        assert client.get(f"/api/review/shop/{shop.id}").status_code == 401


class TestCheckReviewed:
    def test_reference_and_original_keys(self, client, make):
        me = make.user()
        item = catalog.product(make.shop())
        url = f"/api/review/reviewed/{me.id}/product/{item.id}"
        assert client.get(url, headers=make.headers()).json() == {"status": True, "reviewed": False,
                                                                  "hasReviewed": False, "reviewId": None}
        made = catalog.review(me, "product", item.id)
        assert client.get(url, headers=make.headers()).json() == {"status": True, "reviewed": True,
                                                                  "hasReviewed": True, "reviewId": made.id}

    def test_bad_type_400_no_token_401(self, client, make):
        assert client.get(f"/api/review/reviewed/{'a' * 24}/post/{'b' * 24}", headers=make.headers()).status_code == 400
        assert client.get(f"/api/review/reviewed/{'a' * 24}/shop/{'b' * 24}").status_code == 401

    def test_a_segment_with_a_line_break_matches_no_route(self, client, make):
        response = client.get(f"/api/review/reviewed/{'a' * 24}/shop/%0A{'b' * 24}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, error("Route not found"))


class TestUpdateReview:
    def test_author_changes_rating_and_the_sum_follows(self, client, make):
        me = make.user()
        item = catalog.product(make.shop())
        made = catalog.review(me, "product", item.id, rating=2)
        response = client.put(f"/api/review/product/{made.id}", json={"rating": 5, "comment": "Grew on me"},
                              headers=make.headers(me))
        assert response.status_code == 200
        body = response.json()
        assert body["message"] == "Review updated successfully"
        assert (body["review"]["rating"], body["review"]["comment"]) == (5, "Grew on me")
        stored = catalog.reload(item)
        assert (stored.rating_sum, stored.review_count) == (5, 1)

    def test_another_user_is_403_wrong_type_404(self, client, make):
        item = catalog.product(make.shop())
        made = catalog.review(make.user(), "product", item.id, rating=2)
        response = client.put(f"/api/review/product/{made.id}", json={"rating": 5}, headers=make.headers())
        assert response.json() == error("Not authorized to update this review", "AUTH_002")
        assert client.put(f"/api/review/shop/{made.id}", json={"rating": 5}, headers=make.headers()).json() == error(
            "Review not found")
        assert catalog.reload(item).rating_sum == 2

    def test_bad_body_400_no_token_401(self, client, make):
        assert client.put(f"/api/review/product/{'a' * 24}", json={"rating": 9}, headers=make.headers()).status_code == 400
        assert client.put(f"/api/review/product/{'a' * 24}", json={"rating": 3}).status_code == 401


class TestDeleteReview:
    def test_author_deletes_and_figures_follow(self, client, make):
        me = make.user()
        shop = make.shop()
        made = catalog.review(me, "shop", shop.id, rating=3)
        response = client.delete(f"/api/review/shop/{made.id}", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "Review deleted successfully"}
        stored = make.reload(shop)
        assert (stored.shop_rating_sum, stored.shop_review_count) == (0, 0)

    def test_another_user_403_unknown_404_no_token_401(self, client, make):
        made = catalog.review(make.user(), "shop", make.shop().id)
        assert client.delete(f"/api/review/shop/{made.id}", headers=make.headers()).json() == error(
            "Not authorized to delete this review", "AUTH_002")
        assert client.delete(f"/api/review/shop/{'f' * 24}", headers=make.headers()).status_code == 404
        assert client.delete(f"/api/review/shop/{made.id}").status_code == 401
