"""Every error in NestJS's shape, whatever raised it; the greeting; CORS for the web client."""
import pytest

from server.errors import ApiError
from server.products.invare import authorize, message_key, render_error
from tests.invare.conftest import error, invalid


class TestGreeting:
    def test_hello_world_with_the_index(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert response.json()["message"] == "Hello World!"
        assert response.json()["docs"] == "/docs/"


class TestPlatformErrors:
    def test_unknown_route(self, client):
        response = client.get("/nothing-here")
        assert (response.status_code, response.json()) == (404, error(404, "Not Found", "Not Found"))

    def test_method_not_allowed(self, client):
        response = client.put("/auth/login", json={})
        assert (response.status_code, response.json()) == (405, error(405, "Method Not Allowed", "Method Not Allowed"))
        assert response.headers["Allow"] == "POST"

    def test_a_path_beside_a_templated_one_lists_only_its_own_methods(self, client):
        # /tickets/assign also looks like /tickets/{id}, but "assign" is no ticket id
        response = client.options("/tickets/assign")
        assert (response.status_code, response.headers["Allow"]) == (405, "POST")
        response = client.request("OPTIONS", "/chat/user/0b8f6f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
        assert (response.status_code, response.headers["Allow"]) == (405, "GET")

    def test_not_json(self, client):
        response = client.post("/auth/request-otp", content=b"email=a", headers={"Content-Type": "text/plain"})
        assert (response.status_code, response.json()["error"]) == (415, "Unsupported Media Type")
        assert response.json()["messageKey"] == "errors.unsupported_media_type"

    def test_malformed_json(self, client):
        response = client.post("/auth/request-otp", content=b"{", headers={"Content-Type": "application/json"})
        body = response.json()
        assert (response.status_code, body["messageKey"], body["error"]) == (400, "errors.validation_failed", "Bad Request")
        assert body["message"][0].startswith("Malformed JSON") and body["details"] == body["message"]

    def test_unknown_query_parameter(self, client):
        response = client.get("/?debug=1")
        assert (response.status_code, response.json()) == (400, invalid("property debug should not exist"))

    def test_nested_unknown_properties_are_each_named(self, client, admin):
        response = client.post("/users", headers=admin.headers, json={
            "email": "a@example.com", "firstName": "A", "lastName": "B", "x": 1, "y": 2})
        assert response.json() == invalid("property x should not exist", "property y should not exist")


class TestCors:
    def test_the_web_clients_origin_may_call_with_credentials(self, client):
        response = client.options("/auth/login", headers={"Origin": "http://localhost:3000",
                                                          "Access-Control-Request-Method": "POST"})
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert response.headers["Access-Control-Allow-Credentials"] == "true"

    def test_other_origins_get_no_grant(self, client):
        response = client.get("/", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in response.headers


class TestMessageKeys:
    @pytest.mark.parametrize("text, key", [
        ("User not found", "errors.user_not_found"),
        ("Too many OTP requests. Try again later.", "errors.too_many_otp_requests_try_again_later"),
        ("errors.user_not_found", "errors.user_not_found"),          # key-like: passed through
        ("  --Weird__ text!! ", "errors.weird_text"),
        ("a" * 200, "errors." + "a" * 120),
    ])
    def test_the_references_rules(self, text, key):
        assert message_key(text) == key

    def test_success_keys(self):
        assert message_key("User deleted", "messages") == "messages.user_deleted"


class TestRender:
    def test_domain_error_with_details(self):
        body = render_error(ApiError(409, "conflict", "Already bid", details={"bidId": "x"}))
        assert body == {"statusCode": 409, "message": "Already bid", "messageKey": "errors.already_bid",
                        "error": "Conflict", "details": {"bidId": "x"}}

    def test_explicit_key(self):
        body = render_error(ApiError(404, "not_found", "Listing not found", code="errors.listing_missing"))
        assert body["messageKey"] == "errors.listing_missing"

    def test_internal_errors_say_nothing(self):
        assert render_error(ApiError(500, "server", "boom: secret")) == error(500, "Internal server error",
                                                                            "Internal Server Error")


class TestRoleMarkers:
    @pytest.mark.parametrize("claims, needed, allowed", [
        ({"isAdmin": True}, ("AdminOnly",), True),
        ({"isCarrier": True}, ("AdminOnly",), False),
        ({}, ("AdminOnly",), False),
        ({"isAdmin": True}, ("AdminOrCarrier",), True),
        ({"isCarrier": True}, ("AdminOrCarrier",), True),
        ({}, ("AdminOrCarrier",), False),
    ])
    def test_markers(self, claims, needed, allowed):
        problem = authorize(claims, needed)
        assert (problem is None) == allowed
        if problem is not None:
            assert (problem.status, problem.detail) == (403, "Forbidden resource")

    def test_unknown_marker_is_a_spec_mistake(self):
        with pytest.raises(LookupError):
            authorize({"isAdmin": True}, ("Admin",))
