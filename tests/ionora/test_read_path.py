"""The catalog and cart read path: reads without transaction scaffolding, plain rows dumped by plans made
from the marshmallow schemas (same output as the schemas), counts that do not scan large tables, and
full-text search on the stored search vector."""
import logging

import pytest
from sqlalchemy import bindparam, select, text

from handlers.ionora.schemas import CartItemOut, ProductOut, SummaryOut, dump_cart_item, dump_product, dump_summary
from models import paging
from models.ionora import cart, catalog, database
from models.ionora.entities import Product
from tests.conftest import BACKEND

postgresql_only = pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL behaviour (TEST_DATABASE=postgresql)")


class TestRowDumps:
    """The hot reads dump rows with plans made once from the schemas: the output must be the schema's."""

    def test_product_rows_dump_as_the_schema_does(self, make):
        made = make.product(description=None, images=[], specifications={"nested": {"a": [1, 2.5, None]}})
        make.product(name="Plain", discount_percentage=0)
        with database.reading() as session:
            rows = catalog.list_products(session, page=1, limit=10).items
            entity = session.get(Product, made.id)
            assert dump_product.many(rows) == [dump_product(row) for row in rows] == ProductOut(many=True).dump(rows)
            assert dump_product(entity) == ProductOut().dump(entity)
            assert dump_product.many([entity]) == ProductOut(many=True).dump([entity])

    def test_cart_rows_dump_as_the_schema_does(self, make):
        user = make.user()
        make.cart_item(user, make.product(price=8999, discount_percentage=10), quantity=3)
        make.cart_item(user, make.product(price=100, discount_percentage=0, description=None))
        with database.reading() as session:
            lines, summary = cart.view(session, user_id=user.id)
        assert len(lines) == 2
        assert dump_cart_item.many(lines) == [dump_cart_item(line) for line in lines] == CartItemOut(many=True).dump(lines)
        assert dump_summary(summary) == SummaryOut().dump(summary)


    def test_times_are_utc_with_milliseconds_whatever_the_zone(self):
        import datetime as dt

        from handlers.fields import iso_z

        moment = dt.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone.utc)
        assert iso_z(moment) == "2025-01-02T03:04:05.678Z"
        assert iso_z(moment.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))) == "2025-01-02T03:04:05.678Z"
        assert iso_z(moment.replace(tzinfo=None, microsecond=0)) == "2025-01-02T03:04:05.000Z"
        assert iso_z(None) is None


class TestReadingSession:
    @postgresql_only
    def test_reads_send_no_begin_on_postgresql(self, ionora, make):
        """A read through ``Database.reading()`` runs in autocommit: the connection is never inside a
        transaction block (no BEGIN before, no ROLLBACK after)."""
        from models.session import Database

        make.product()
        reader = Database("ionora-reads")
        reader.bind(str(ionora.database.engine.url.render_as_string(hide_password=False)))
        try:
            with reader.reading() as session:
                session.execute(select(Product.id).limit(1)).all()
                raw = session.connection().connection.dbapi_connection
                assert raw.autocommit is True
                assert raw.info.transaction_status.name == "IDLE"
        finally:
            reader.engine.dispose()

    @postgresql_only
    def test_row_reads_run_on_a_bare_connection_in_autocommit(self, ionora):
        """``Database.rows()`` hands out a Core connection (no session), in autocommit like ``reading()``."""
        from models.session import Database

        reader = Database("ionora-rows")
        reader.bind(str(ionora.database.engine.url.render_as_string(hide_password=False)))
        try:
            with reader.rows() as connection:
                connection.execute(select(Product.id).limit(1)).all()
                raw = connection.connection.dbapi_connection
                assert raw.autocommit is True
                assert raw.info.transaction_status.name == "IDLE"
        finally:
            reader.engine.dispose()

    def test_row_reads_and_session_reads_give_the_same_rows(self, make):
        user = make.user()
        make.cart_item(user, make.product(price=8999, discount_percentage=10), quantity=3)
        make.product(name="Second")
        with database.rows() as connection:
            lines, summary = cart.view(connection, user_id=user.id)
            page = catalog.list_products(connection, page=1, limit=10)
        with database.reading() as session:
            assert cart.view(session, user_id=user.id) == (lines, summary)
            assert catalog.list_products(session, page=1, limit=10) == page
        assert dump_cart_item.many(lines) == CartItemOut(many=True).dump(lines)

    def test_a_read_sees_committed_data(self, make, client):
        product = make.product(name="Fresh Ionizer")
        response = client.get(f"/api/products/{product.id}")
        assert (response.status_code, response.json()["product"]["name"]) == (200, "Fresh Ionizer")


class TestCounts:
    @pytest.fixture(autouse=True)
    def fresh_estimates(self):
        paging._estimates.clear()
        yield
        paging._estimates.clear()

    def test_small_catalogs_are_counted_exactly(self, client, make):
        for _ in range(3):
            make.product()
        body = client.get("/api/products?limit=2").json()
        assert body["pagination"] == {"page": 1, "limit": 2, "total": 3, "totalPages": 2}

    @postgresql_only
    def test_large_results_take_the_planners_estimate(self, client, make, monkeypatch):
        """Above ESTIMATE_FROM rows the total is PostgreSQL's estimate (no count over the whole table)."""
        for _ in range(3):
            make.product(category="bulk")
        monkeypatch.setattr(paging, "ESTIMATE_FROM", 1)
        query = paging.Paged(select(*catalog.COLUMNS).where(Product.is_active.is_(True),
                                                             Product.category == bindparam("category")))
        with database.reading() as session:
            planned = session.execute(query.explain, {"category": "bulk"}).scalar()[0]["Plan"]["Plan Rows"]
            counted = []
            monkeypatch.setattr(session, "scalar", lambda *a, **k: counted.append(a) or 0)
            assert paging.count_rows(session, query, {"category": "bulk"}) == planned
            assert counted == []  # no count(*) was run
        body = client.get("/api/products?category=bulk&limit=2").json()
        assert body["pagination"]["total"] == planned

    @postgresql_only
    def test_an_estimate_is_reused_for_a_few_seconds_only_above_the_threshold(self, make, monkeypatch):
        make.product()
        query = paging.Paged(select(Product.id).where(Product.is_active.is_(True)))
        with database.reading() as session:
            assert paging.count_rows(session, query, key="k") == 1  # below the threshold: exact
            make.product()
            assert paging.count_rows(session, query, key="k") == 2  # still exact, though the estimate is cached
            monkeypatch.setattr(paging, "ESTIMATE_FROM", 0)
            assert paging.count_rows(session, query, key="k") == paging._estimates["k"][1]

    def test_filters_and_pages_bind_their_values(self, client, make):
        cheap = make.product(price=100, discount_percentage=0, category="c1")
        make.product(price=900, discount_percentage=0, category="c1")
        make.product(price=100, discount_percentage=0, category="c2")
        body = client.get("/api/products?category=c1&maxPrice=500").json()
        assert [p["id"] for p in body["products"]] == [str(cheap.id)]
        assert body["pagination"]["total"] == 1
        second = client.get("/api/products?category=c1&limit=1&page=2&sort=price_asc").json()
        assert [p["price"] for p in second["products"]] == ["900.00"]
        assert second["pagination"] == {"page": 2, "limit": 1, "total": 2, "totalPages": 2}


class TestStoredSearchVector:
    @postgresql_only
    def test_search_reads_the_stored_vector_through_its_gin_index(self, ionora):
        with ionora.database.engine.connect() as connection:
            column = connection.execute(text(
                "SELECT generation_expression FROM information_schema.columns "
                "WHERE table_name = 'products' AND column_name = 'search_vector'")).scalar()
            index = connection.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_products_search_vector'")).scalar()
        assert "to_tsvector('english'" in column
        assert "USING gin (search_vector)" in index and "fastupdate=off" in index

    def test_search_follows_edits_of_name_and_description(self, client, make):
        product = make.product(name="Quiet Ionizer", description="Plain water.")
        admin = make.headers(admin=True)
        assert client.get("/api/products/search?q=hydrogen").json() == {"products": []}
        response = client.put(f"/api/admin/products/{product.id}", headers=admin,
                              json={"description": "Hydrogen rich water."})
        assert response.status_code == 200
        found = client.get("/api/products/search?q=hydrogen").json()["products"]
        assert [item["id"] for item in found] == [str(product.id)]


class TestEdgeMiddleware:
    def test_one_access_log_line_per_request_errors_included(self, client, caplog):
        with caplog.at_level(logging.INFO, logger="server.access"):
            client.get("/api/products?limit=1")
            client.get("/api/nowhere")
        lines = [r.getMessage() for r in caplog.records if r.name == "server.access"]
        assert len(lines) == 2
        assert lines[0].startswith("GET /api/products 200 ") and lines[1].startswith("GET /api/nowhere 404 ")


class TestMalformedMultipart:
    def test_a_malformed_multipart_body_is_400_not_500(self, client, make):
        boundary = "9cc651cd2c8d168349f50fede4c361ac"
        response = client.post("/api/admin/products/upload-image", headers={
            **make.headers(admin=True), "Content-Type": f"multipart/form-data; boundary={boundary}"},
            content=f"--{boundary}\r\nFalse--{boundary}--\r\n".encode())
        assert response.status_code == 400
        assert response.json()["errors"][0]["msg"].startswith("Malformed multipart body")
