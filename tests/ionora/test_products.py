"""The public catalog (tag Products)."""
import pytest

from models.ionora import database
from models.ionora.entities import Product
from models.base import utcnow


def product_json(p):
    return {"id": str(p.id), "name": p.name, "description": p.description, "price": f"{p.price:.2f}",
            "discount_percentage": f"{p.discount_percentage:.2f}", "final_price": f"{p.final_price:.2f}",
            "category": p.category, "stock_quantity": p.stock_quantity, "images": p.images,
            "specifications": p.specifications, "is_active": p.is_active}


def strip_times(item):
    return {k: v for k, v in item.items() if k not in ("created_at", "updated_at")}


@pytest.fixture
def catalog_rows(make):
    """Three active products (oldest first) and an inactive one."""
    cheap = make.product(name="Compact Ionizer", price=5999, discount_percentage=0, category="compact")
    mid = make.product(name="Classic Ionizer", price=8999, discount_percentage=10, category="alkaline")
    dear = make.product(name="Elite Ionizer", price=219999, discount_percentage=10, category="premium",
                        description="Eleven platinum plates")
    hidden = make.product(name="Retired Ionizer", price=100, category="alkaline", is_active=False)
    return cheap, mid, dear, hidden


class TestListProducts:
    def test_lists_active_products_newest_first_with_string_money(self, client, catalog_rows):
        cheap, mid, dear, _ = catalog_rows
        response = client.get("/api/products")
        assert response.status_code == 200
        body = response.json()
        assert [strip_times(p) for p in body["products"]] == [product_json(p) for p in (dear, mid, cheap)]
        assert body["products"][1]["final_price"] == "8099.10"
        assert body["pagination"] == {"page": 1, "limit": 20, "total": 3, "totalPages": 1}

    @pytest.mark.parametrize("sort, order", [
        pytest.param("price_asc", (0, 1, 2), id="price_asc"),
        pytest.param("price_desc", (2, 1, 0), id="price_desc"),
        pytest.param("latest", (2, 1, 0), id="latest"),
    ])
    def test_sorts(self, client, catalog_rows, sort, order):
        names = [p["name"] for p in client.get(f"/api/products?sort={sort}").json()["products"]]
        assert names == [catalog_rows[i].name for i in order]

    def test_pages(self, client, catalog_rows):
        body = client.get("/api/products?page=2&limit=2").json()
        assert [p["name"] for p in body["products"]] == [catalog_rows[0].name]
        assert body["pagination"] == {"page": 2, "limit": 2, "total": 3, "totalPages": 2}

    def test_filters_by_category_and_final_price(self, client, catalog_rows):
        assert [p["name"] for p in client.get("/api/products?category=alkaline").json()["products"]] == [
            "Classic Ionizer"]
        body = client.get("/api/products?minPrice=6000&maxPrice=8099.10").json()
        assert [p["name"] for p in body["products"]] == ["Classic Ionizer"]

    def test_empty_catalog_has_one_page(self, client, ionora):
        assert client.get("/api/products").json() == {
            "products": [], "pagination": {"page": 1, "limit": 20, "total": 0, "totalPages": 1}}

    @pytest.mark.parametrize("query, param", [
        pytest.param("limit=101", "limit", id="limit over 100"),
        pytest.param("limit=0", "limit", id="limit 0"),
        pytest.param("page=0", "page", id="page 0"),
        pytest.param("sort=cheapest", "sort", id="unknown sort"),
        pytest.param("minPrice=-1", "minPrice", id="negative price"),
        pytest.param("color=red", "color", id="unknown parameter"),
    ])
    def test_bad_query_is_400(self, client, ionora, query, param):
        response = client.get(f"/api/products?{query}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == param
        assert response.json()["errors"][0]["location"] == "query"


class TestSearchProducts:
    def test_finds_active_products_by_name_or_description(self, client, catalog_rows):
        assert [p["name"] for p in client.get("/api/products/search?q=platinum").json()["products"]] == [
            "Elite Ionizer"]
        names = {p["name"] for p in client.get("/api/products/search?q=ionizer").json()["products"]}
        assert names == {"Compact Ionizer", "Classic Ionizer", "Elite Ionizer"}

    def test_no_match_is_empty(self, client, catalog_rows):
        assert client.get("/api/products/search?q=toaster").json() == {"products": []}

    def test_missing_q_is_400(self, client, ionora):
        response = client.get("/api/products/search")
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == "q"

    def test_blank_q_is_400(self, client, ionora):
        response = client.get("/api/products/search?q=%20%20")
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == "q"


class TestListCategoryProducts:
    def test_lists_one_category(self, client, catalog_rows, make):
        extra = make.product(name="Premium Two", category="premium", price=1000)
        body = client.get("/api/products/category/premium?sort=price_asc").json()
        assert [p["name"] for p in body["products"]] == [extra.name, "Elite Ionizer"]
        assert body["pagination"] == {"page": 1, "limit": 20, "total": 2, "totalPages": 1}

    def test_unknown_category_is_empty(self, client, ionora):
        assert client.get("/api/products/category/nothing").json()["products"] == []

    def test_bad_limit_is_400(self, client, ionora):
        assert client.get("/api/products/category/premium?limit=500").status_code == 400


class TestGetProduct:
    def test_returns_the_product(self, client, catalog_rows):
        mid = catalog_rows[1]
        response = client.get(f"/api/products/{mid.id}")
        assert response.status_code == 200
        assert strip_times(response.json()["product"]) == product_json(mid)

    def test_inactive_product_is_404(self, client, catalog_rows):
        response = client.get(f"/api/products/{catalog_rows[3].id}")
        assert (response.status_code, response.json()) == (404, {"message": "Product not found."})

    def test_unknown_product_is_404(self, client, ionora):
        response = client.get("/api/products/00000000-0000-4000-8000-000000000000")
        assert (response.status_code, response.json()) == (404, {"message": "Product not found."})

    def test_non_uuid_is_400(self, client, ionora):
        response = client.get("/api/products/not-a-uuid")
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == "id"
