"""Every error leaves in the product's own format: routing, method, size, media type, encoding, 500."""
from models.looking import profiles


class TestErrorRegistry:
    def test_unknown_route_is_404(self, client):
        response = client.get("/no/such/route")
        assert response.status_code == 404
        assert response.json() == {"message": "Not found", "err": {"code": "ROUTE_NOT_FOUND", "details": None}}

    def test_wrong_method_is_405_with_every_allowed_method(self, client):
        response = client.delete("/profiles")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert response.json() == {"message": "Method not allowed",
                                   "err": {"code": "METHOD_NOT_ALLOWED", "details": None}}

    def test_oversized_body_is_413_before_it_is_read(self, client):
        response = client.post("/profiles/submission", content=b"{" + b" " * (9 * 1024 * 1024) + b"}",
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert response.json() == {"message": "Request body too large", "err": {"code": "TOO_LARGE", "details": None}}

    def test_wrong_media_type_is_415(self, client):
        response = client.post("/auth/login", content=b"username=a", headers={"Content-Type": "text/plain"})
        assert response.status_code == 415
        assert response.json()["err"]["code"] == "UNSUPPORTED_MEDIA_TYPE"

    def test_invalid_utf8_is_400(self, client):
        response = client.post("/auth/login", content=b'{"username": "\xff\xfe"}',
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json()["message"] == "Request body is not valid UTF-8"

    def test_unknown_query_parameter_is_400(self, client):
        response = client.get("/profiles?sort=name")
        assert response.status_code == 400
        assert response.json()["err"]["details"] == [
            {"field": "sort", "location": "query", "message": "Unknown query parameter 'sort'"}]

    def test_every_failing_field_is_named(self, client):
        response = client.post("/auth/login", json={"username": 1, "password": 2})
        assert [d["field"] for d in response.json()["err"]["details"]] == ["password", "username"]

    def test_unexpected_failure_is_500_without_internals(self, client, monkeypatch):
        def explode(session):
            raise RuntimeError("secret internal detail")

        monkeypatch.setattr(profiles, "list_approved", explode)
        response = client.get("/profiles")
        assert response.status_code == 500
        assert response.json() == {"message": "Internal server error", "err": None}
        assert "secret" not in response.text

    def test_responses_are_compact_json(self, client, make):
        make.profile()
        response = client.get("/profiles")
        assert response.headers["content-type"] == "application/json"
        assert '": ' not in response.text and '", "' not in response.text and "\n " not in response.text

    def test_spec_and_docs_are_served(self, client):
        spec = client.get("/openapi.json")
        assert spec.status_code == 200
        assert spec.json()["info"]["title"] == "Looking API"
        docs = client.get("/docs/")
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()

    def test_cors_preflight(self, client):
        response = client.options("/profiles", headers={"Origin": "http://localhost:3000",
                                                        "Access-Control-Request-Method": "GET"})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
        assert response.headers["access-control-allow-credentials"] == "true"


class TestRouting:
    def test_undeclared_method_on_a_static_path_is_405_not_a_parameter_match(self, client):
        response = client.put("/profiles/verified")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET"

    def test_path_the_router_cannot_match_is_404_not_500(self, client, make):
        response = client.get("/profiles/find/1/2/3/4/a%0Ab", headers=make.headers("view"))
        assert response.status_code == 404
        assert response.json()["err"]["code"] == "ROUTE_NOT_FOUND"


class TestNulCharacters:
    """PostgreSQL cannot store NUL: bodies, paths and query strings lose it at the door."""

    def test_nul_is_dropped_from_json_bodies(self, client, make):
        response = client.post("/profiles", headers=make.headers("add"),
                               json={"details": {"name": "A\u0000B", "about": "\u0000story"}})
        assert response.status_code == 201
        details = response.json()["profile"]["details"]
        assert (details["name"], details["about"]) == ("AB", "story")

    def test_control_characters_are_refused_in_tags(self, client, make):
        response = client.post("/profiles", headers=make.headers("add"), json={"details": {"position": ["To\u0000p"]}})
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "details.position.0"

    def test_parameters_are_judged_as_sent(self, client, make):
        response = client.get("/profiles/find/null/null/null/null/To%00p", headers=make.headers("view"))
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "pos"

    def test_validated_paths_and_query_strings_reach_the_handler_without_nul(self):
        import asyncio

        from server.middleware import DropNulMiddleware

        seen = {}

        async def app(scope, receive, send):
            seen.update(scope)

        scope = {"type": "http", "path": "/a/b\x00c", "raw_path": b"/a/b%00c", "query_string": b"q=x%00y&z=1"}
        asyncio.run(DropNulMiddleware(app)(scope, None, None))
        assert (seen["path"], seen["raw_path"], seen["query_string"]) == ("/a/bc", b"/a/bc", b"q=xy&z=1")

    def test_bodies_without_nul_reach_the_handler_byte_for_byte(self, client, make):
        raw = b'{"details": {"name": "Zo\\u00eb", "age": 30}}'
        response = client.post("/profiles", headers={**make.headers("add"), "Content-Type": "application/json"},
                               content=raw)
        assert response.json()["profile"]["details"]["name"] == "Zoë"


class TestProviderErrors:
    """A provider that failed is a 502; one that is only unavailable for now is a 503 with Retry-After."""

    def test_a_provider_failure_is_502(self):
        from models.errors import UpstreamFailure
        from server.errors import normalize

        error = normalize(UpstreamFailure("The payment provider refused the request."))
        assert (error.status, error.kind, error.retry_after) == (502, "upstream", None)

    def test_an_unavailable_provider_is_503_with_retry_after(self):
        from integrations.payment_provider import PaymentProviderError
        from integrations.stripe_payments import PaymentProviderError as StripeError
        from server.errors import normalize

        thawani = normalize(PaymentProviderError("thawani", "timed out", unavailable=True))
        stripe = normalize(StripeError("Stripe is unavailable.", retriable=True))
        assert (thawani.status, thawani.kind, thawani.retry_after) == (503, "upstream_unavailable", 5)
        assert (stripe.status, stripe.retry_after) == (503, 5)
        assert normalize(StripeError("Your card was declined.", retriable=False)).status == 502


class TestForeignKeyViolations:
    """A write naming an object that does not exist is the caller's mistake (400), never a 500."""

    def test_a_foreign_key_violation_is_400(self):
        from sqlalchemy import exc as sa

        from server.errors import normalize

        class Orig(Exception):
            sqlstate = "23503"

        error = normalize(sa.IntegrityError("INSERT ...", {}, Orig("violates foreign key constraint")))
        assert (error.status, error.kind, error.message) == (400, "invalid", "A referenced object does not exist.")
        sqlite = normalize(sa.IntegrityError("INSERT ...", {}, Exception("FOREIGN KEY constraint failed")))
        assert sqlite.status == 400

    def test_another_integrity_error_is_still_a_server_error(self):
        from sqlalchemy import exc as sa

        from server.errors import normalize

        assert normalize(sa.IntegrityError("INSERT ...", {}, Exception("NOT NULL constraint failed"))).status == 500
