"""Finding users and shops (``/userSearch``)."""
import pytest


def ids(items):
    return [item["_id"] for item in items]


class TestSearchUsers:
    def test_best_match_first_then_followers(self, client, make):
        me = make.user()
        exact = make.user(username="mia")
        prefix = make.user(username="miami_style")
        inside = make.user(username="amiable", full_name="Amiable Puddle")
        by_name = make.user(username="zed", full_name="Mia Zed")
        make.follow(make.user(), by_name)
        make.user(username="nobody")
        body = client.get("/api/userSearch/users?query=MIA", headers=make.headers(me)).json()
        assert ids(body["users"]) == [exact.id, prefix.id, by_name.id, inside.id]
        assert body["pagination"] == {"page": 1, "limit": 20, "total": 4, "totalPages": 1, "hasNextPage": False,
                                      "hasPrevPage": False}

    def test_an_item(self, client, make):
        found = make.user(username="findme", full_name="Find Me", bio="Hello")
        (item,) = client.get("/api/userSearch/users?query=findme", headers=make.headers()).json()["users"]
        assert item == {"_id": found.id, "username": "findme", "fullName": "Find Me", "avatar": None, "type": "user",
                        "isVerified": False, "status": "active", "bio": "Hello", "location": "", "followersCount": 0,
                        "shop": None}

    def test_filters_by_type_and_location(self, client, make):
        here = make.user(username="loc_a")
        client.put("/api/user/complete-onboarding", json={"location": "New York"}, headers=make.headers(here))
        shop = make.shop(username="loc_shop")
        client.put("/api/user/update-shop-details", json={"shop": {"location": "new york city"}},
                   headers=make.headers(shop))
        make.user(username="loc_b")
        headers = make.headers()
        found = client.get("/api/userSearch/users?query=loc_&location=york", headers=headers).json()["users"]
        assert sorted(ids(found)) == sorted([here.id, shop.id])
        assert ids(client.get("/api/userSearch/users?query=loc_&type=shop", headers=headers).json()["users"]) == [shop.id]

    def test_percent_and_underscore_are_literal(self, client, make):
        make.user(username="abc")
        assert client.get("/api/userSearch/users?query=%25", headers=make.headers()).json()["users"] == []
        assert client.get("/api/userSearch/users?query=a_c", headers=make.headers()).json()["users"] == []

    def test_banned_and_administrators_are_never_listed(self, client, make):
        banned, admin = make.user(username="hidden_1"), make.admin(username="hidden_2")
        make.ban(banned)
        assert client.get("/api/userSearch/users?query=hidden_", headers=make.headers()).json()["users"] == []
        assert admin  # made, yet not found

    def test_pages(self, client, make):
        made = [make.user(username=f"pager{i}") for i in range(3)]
        body = client.get("/api/userSearch/users?query=pager&limit=2&page=2", headers=make.headers()).json()
        assert len(body["users"]) == 1 and body["pagination"]["hasPrevPage"] is True
        assert body["pagination"]["total"] == len(made)

    def test_needs_a_token(self, client):
        assert client.get("/api/userSearch/users").status_code == 401

    @pytest.mark.parametrize("query", ["type=admin", "limit=0", "page=0", "limit=101", "nope=1"])
    def test_invalid_parameters_are_400(self, client, make, query):
        assert client.get(f"/api/userSearch/users?{query}", headers=make.headers()).status_code == 400


class TestSearchShops:
    def shop(self, make, client, name, categories, ratings=(0, 0)):
        shop = make.shop(username=name, shop_rating_sum=ratings[0], shop_review_count=ratings[1])
        client.put("/api/user/update-shop-details", json={"shop": {"categories": categories}},
                   headers=make.headers(shop))
        return shop

    def test_by_category_and_rating(self, client, make):
        men = self.shop(make, client, "cat_men", ["Men", "Tops"], (9, 2))
        women = self.shop(make, client, "cat_women", ["Women"], (5, 1))
        self.shop(make, client, "cat_none", [], (0, 0))
        headers = make.headers()
        assert ids(client.get("/api/userSearch/shops?query=cat_&category=men", headers=headers).json()["shops"]) == [men.id]
        found = client.get("/api/userSearch/shops?query=cat_&rating=4.6", headers=headers).json()["shops"]
        assert ids(found) == [women.id]
        assert found[0]["shop"]["averageRating"] == 5

    def test_a_category_is_matched_whole(self, client, make):
        self.shop(make, client, "whole_cat", ["Menswear"])
        assert client.get("/api/userSearch/shops?category=men", headers=make.headers()).json()["shops"] == []


class TestSearchAll:
    def test_users_and_shops(self, client, make):
        person, shop = make.user(username="both_u"), make.shop(username="both_s")
        body = client.get("/api/userSearch/all?query=both_", headers=make.headers()).json()
        assert (ids(body["users"]), ids(body["shops"])) == ([person.id], [shop.id])
        assert body["pagination"]["users"]["total"] == 1 and body["pagination"]["shops"]["total"] == 1
