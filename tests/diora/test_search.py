"""Search: the Explore search and the people pickers."""
import pytest

from tests.diora.catalog_support import product
from tests.diora.social import ago, like, make_post


def ids(items):
    return [item["_id"] for item in items]


class TestSearch:
    def test_accounts_and_captions(self, client, make):
        me = make.user()
        anna = make.user(username="annastyle", full_name="Anna Lee", followers_count=5)
        anne = make.user(username="anne_k", full_name="Anne K")
        shop = make.shop(username="annashop", full_name="Anna's Boutique")
        make.admin(username="annadmin")
        hit = make_post(anna, caption="Summer denim jacket")
        make_post(anne, caption="Winter coat")
        body = client.get("/api/search?query=ann", headers=make.headers(me)).json()
        assert ids(body["users"]) == [anna.id, anne.id]
        assert ids(body["shops"]) == [shop.id]
        assert body["products"] == []
        posts = client.get("/api/search?query=denim&contentType=Posts", headers=make.headers(me)).json()
        assert (ids(posts["posts"]), posts["users"], posts["shops"]) == ([hit.id], [], [])
        assert posts["pagination"]["posts"]["total"] == 1
        assert ids(client.get("/api/search?q=DENIM jack&contentType=Posts",
                              headers=make.headers(me)).json()["posts"]) == [hit.id]

    def test_literal_matching(self, client, make):
        make.user(username="a_b")
        make.user(username="axb")
        body = client.get("/api/search?query=a_b&contentType=Users", headers=make.headers()).json()
        assert [u["username"] for u in body["users"]] == ["a_b"]

    def test_filters(self, client, make):
        verified = make.user(username="zed1", is_verified=True, followers_count=2000)
        make.user(username="zed2")
        good = make.shop(username="zedshop1", shop_rating_sum=14, shop_review_count=3)
        make.shop(username="zedshop2", shop_rating_sum=7, shop_review_count=2)
        author = make.user(username="poster")
        popular = make_post(author, caption="zed look")
        old = make_post(author, caption="zed old", created_at=ago(days=10))
        like(make.user(), popular.id)
        headers = make.headers()
        assert ids(client.get("/api/search?query=zed&contentType=Users&verification=Verified Only",
                              headers=headers).json()["users"]) == [verified.id]
        assert ids(client.get("/api/search?query=zed&contentType=Users&followers=1K-10K",
                              headers=headers).json()["users"]) == [verified.id]
        assert ids(client.get("/api/search?query=zedshop&contentType=Shops&rating=4.5%2B Stars",
                              headers=headers).json()["shops"]) == [good.id]
        assert ids(client.get("/api/search?query=zed&contentType=Posts&availability=New Arrivals",
                              headers=headers).json()["posts"]) == [popular.id]
        assert ids(client.get("/api/search?query=zed&contentType=Posts&likes=0-100",
                              headers=headers).json()["posts"]) == [popular.id, old.id]

    def test_hidden_posts_and_banned_accounts_are_not_found(self, client, make):
        banned = make.user(username="gonegirl")
        make_post(banned, caption="gone")
        make_post(make.user(), caption="gone too", hidden=True)
        make.ban(banned)
        body = client.get("/api/search?query=gone", headers=make.headers()).json()
        assert (body["users"], body["posts"]) == ([], [])

    @pytest.mark.parametrize("query", ["contentType=Everything", "likes=lots", "page=0", "query=" + "x" * 101])
    def test_bad_query_is_400(self, client, make, query):
        assert client.get(f"/api/search?{query}", headers=make.headers()).status_code == 400

    def test_needs_a_token(self, client):
        assert client.get("/api/search?query=a").status_code == 401


class TestSearchProducts:
    def test_name_or_description_matches_newest_first_and_hidden_ones_are_left_out(self, client, make):
        shop = make.shop()
        older = product(shop, name="Denim Jacket")
        newer = product(shop, name="Cotton Shirt", description="Pairs with denim")
        product(shop, name="Denim Cap", hidden=True)
        product(shop, name="Wool Scarf")
        body = client.get("/api/search?query=DENIM&contentType=Products", headers=make.headers()).json()
        assert ids(body["products"]) == [newer.id, older.id]
        assert body["pagination"]["products"]["total"] == 2
        assert body["products"][1]["name"] == "Denim Jacket"
        assert (body["users"], body["shops"], body["posts"]) == ([], [], [])

    @pytest.mark.parametrize("query, expected", [
        pytest.param("availability=In Stock", ["cheap", "sale"], id="in stock"),
        pytest.param("availability=On Sale", ["sale"], id="on sale"),
        pytest.param("priceRange=$0-$50", ["cheap", "sale"], id="under 50 after the discount"),
        pytest.param("priceRange=$200%2B", ["dear"], id="200 or more"),
        pytest.param("categories=Footwear", ["dear"], id="category"),
    ])
    def test_filters(self, client, make, query, expected):
        shop = make.shop()
        made = {"cheap": product(shop, name="Tee", price="20.00", stock=3, category=("Tops",)),
                "sale": product(shop, name="Coat", price="90.00", discount=50, stock=1, category=("Tops",)),
                "dear": product(shop, name="Boots", price="250.00", stock=0, category=("Footwear",))}
        found = client.get(f"/api/search?contentType=Products&{query}", headers=make.headers()).json()["products"]
        names = {item.id: name for name, item in made.items()}
        assert sorted(names[i] for i in ids(found)) == sorted(expected)


class TestSearchUsers:
    def test_q_and_query(self, client, make):
        bob = make.user(username="bobby")
        make.shop(username="bobshop")
        for param in ("q", "query"):
            body = client.get(f"/api/search/users?{param}=bob", headers=make.headers()).json()
            assert (ids(body["users"]), body["count"]) == ([bob.id], 1)

    def test_empty_query_lists_the_followed(self, client, make):
        me, a, b = make.user(), make.user(), make.user()
        make.follow(me, a)
        make.follow(me, b)
        assert ids(client.get("/api/search/users", headers=make.headers(me)).json()["users"]) == [b.id, a.id]

    def test_bad_paging_is_400(self, client, make):
        assert client.get("/api/search/users?limit=0", headers=make.headers()).status_code == 400

    def test_needs_a_token(self, client):
        assert client.get("/api/search/users?q=a").status_code == 401


class TestSearchShops:
    def test_under_users_and_shops(self, client, make):
        shop = make.shop(username="velvetshop")
        make.user(username="velvetfan")
        body = client.get("/api/search/shops?q=velvet", headers=make.headers()).json()
        assert (ids(body["users"]), ids(body["shops"]), body["count"]) == ([shop.id], [shop.id], 1)

    def test_empty_query_lists_followed_shops(self, client, make):
        me, shop = make.user(), make.shop()
        make.follow(me, shop)
        assert ids(client.get("/api/search/shops?q=", headers=make.headers(me)).json()["shops"]) == [shop.id]

    def test_bad_paging_is_400(self, client, make):
        assert client.get("/api/search/shops?page=0", headers=make.headers()).status_code == 400

    def test_needs_a_token(self, client):
        assert client.get("/api/search/shops").status_code == 401
