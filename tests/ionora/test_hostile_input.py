"""Hostile request bodies are 4xx in Ionora's formats, never a 500: nesting deeper than the documented
limit (free-form webhook payloads included), lone UTF-16 surrogates, a missing Content-Type."""
import json

from server.validation import MAX_JSON_DEPTH

JSON = {"Content-Type": "application/json"}
TOO_DEEP = f"JSON nests deeper than {MAX_JSON_DEPTH} levels of arrays and objects"
SURROGATE = "Invalid Unicode: a lone UTF-16 surrogate (\\ud800-\\udfff) is not a character"


def nested(depth, leaf=b"1"):
    return b'{"a":' * depth + leaf + b"}" * depth


def webhook(client, gateway, body):
    headers = {**JSON, "X-Razorpay-Signature": gateway.sign_webhook(body)}
    return client.post("/api/payment/webhooks/payment", content=body, headers=headers)


class TestNestingDepth:
    def test_ten_thousand_nested_arrays_are_400(self, client):
        response = client.post("/api/auth/login", content=b"[" * 10_000 + b"]" * 10_000, headers=JSON)
        assert (response.status_code, response.json()) == (
            400, {"errors": [{"type": "field", "msg": TOO_DEEP, "path": None, "param": None, "location": "body"}]})

    def test_nine_hundred_deep_free_form_webhook_payload_is_400(self, client, gateway):
        body = b'{"event": "payment.captured", "payload": ' + nested(900) + b"}"
        response = webhook(client, gateway, body)
        assert (response.status_code, response.json()) == (
            400, {"errors": [{"type": "field", "msg": TOO_DEEP, "path": None, "param": None, "location": "body"}]})

    def test_free_form_payload_within_the_limit_is_processed(self, client, gateway):
        body = b'{"event": "payment.authorized", "payload": ' + nested(MAX_JSON_DEPTH - 1) + b"}"
        response = webhook(client, gateway, body)
        assert (response.status_code, response.json()) == (200, {"message": "Webhook received."})


class TestLoneSurrogates:
    def test_escaped_lone_surrogate_is_400_naming_the_field(self, client):
        body = b'{"email": "a@example.com", "password": "\\ud800"}'
        response = client.post("/api/auth/login", content=body, headers=JSON)
        assert (response.status_code, response.json()) == (
            400, {"errors": [{"type": "field", "msg": SURROGATE, "path": "password", "param": "password", "location": "body"}]})

    def test_surrogate_in_a_free_form_payload_is_400(self, client, gateway):
        body = json.dumps({"event": "payment.captured", "payload": {"note": "\ud800"}}).encode()
        response = webhook(client, gateway, body)
        assert (response.status_code, response.json()) == (
            400, {"errors": [{"type": "field", "msg": SURROGATE, "path": "payload.note", "param": "payload.note", "location": "body"}]})

    def test_surrogate_as_raw_bytes_is_400(self, client):
        body = b'{"email": "a@example.com", "password": "\xed\xa0\x80"}'
        response = client.post("/api/auth/login", content=body, headers=JSON)
        assert (response.status_code, response.json()) == (
            400, {"errors": [{"type": "field", "msg": "Request body is not valid UTF-8", "path": None, "param": None, "location": "body"}]})

    def test_encoded_surrogate_in_a_query_string_is_an_ordinary_search(self, client):
        response = client.get("/api/products/search?q=%ED%A0%80")
        assert response.status_code == 200


class TestContentType:
    def test_body_without_content_type_is_415(self, client):
        response = client.post("/api/auth/login", content=b'{"email": "a@example.com", "password": "x"}')
        assert (response.status_code, response.json()) == (415, {"message": "Unsupported media type: send JSON."})

    def test_form_body_is_415(self, client):
        response = client.post("/api/auth/login", content=b"email=a%40example.com&password=x",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert (response.status_code, response.json()) == (415, {"message": "Unsupported media type: send JSON."})
