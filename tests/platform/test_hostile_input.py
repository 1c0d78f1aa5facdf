"""Hostile request bodies are 4xx in Looking's format naming the problem, never a 500: nesting deeper
than the documented limit, lone UTF-16 surrogates, a missing Content-Type, chunked bodies (read, and
413 past the size limit on a real server)."""
import httpx
import pytest

from server.validation import MAX_JSON_DEPTH, lone_surrogate, nesting_depth_exceeds, without_nul
from tests.platform.services import serving

JSON = {"Content-Type": "application/json"}


def body_error(message, field=None):
    return {"message": message + (f" ({field})" if field else ""),
            "err": {"code": "VALIDATION_ERROR", "details": [{"field": field, "location": "body", "message": message}]}}


TOO_DEEP = f"JSON nests deeper than {MAX_JSON_DEPTH} levels of arrays and objects"
SURROGATE = "Invalid Unicode: a lone UTF-16 surrogate (\\ud800-\\udfff) is not a character"


def nested(depth, leaf=b"1"):
    return b'{"a":' * depth + leaf + b"}" * depth


class TestNestingDepth:
    def test_ten_thousand_nested_arrays_are_400(self, client):
        response = client.post("/auth/login", content=b"[" * 10_000 + b"]" * 10_000, headers=JSON)
        assert (response.status_code, response.json()) == (400, body_error(TOO_DEEP))

    def test_nine_hundred_nested_objects_in_a_field_are_400(self, client, make):
        body = b'{"details": ' + nested(900) + b"}"
        response = client.post("/profiles", content=body, headers={**JSON, **make.headers("add")})
        assert (response.status_code, response.json()) == (400, body_error(TOO_DEEP))

    def test_unbalanced_deep_text_is_400(self, client):
        response = client.post("/auth/login", content=b"[" * 100_000, headers=JSON)
        assert (response.status_code, response.json()) == (400, body_error(TOO_DEEP))

    def test_ordinary_bodies_are_judged_by_their_schema(self, client):
        response = client.post("/auth/login", json={"username": [[[[1]]]], "password": "x"})
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "username"


class TestNestingDepthCount:
    def test_the_limit_itself_is_allowed(self):
        assert not nesting_depth_exceeds("[" * 64 + "]" * 64)
        assert nesting_depth_exceeds("[" * 65 + "]" * 65)

    def test_brackets_inside_strings_do_not_count(self):
        text = '{"a": "' + "[{" * 500 + '\\"[[["}'
        assert not nesting_depth_exceeds(text)

    def test_many_siblings_are_not_depth(self):
        assert not nesting_depth_exceeds("[" + ",".join(["[1]"] * 1000) + "]")

    def test_brackets_that_never_close_count_only_when_more_than_the_limit_stay_open(self):
        assert nesting_depth_exceeds("[" * 100)
        assert nesting_depth_exceeds("[" * 30 + "{" * 70 + "}" * 70)
        assert not nesting_depth_exceeds("[}" * 100)  # malformed, and the parser says so
        assert not nesting_depth_exceeds("[" * 60 + "[1]" * 100)


class TestLoneSurrogates:
    def test_escaped_lone_surrogate_is_400_naming_the_field(self, client):
        response = client.post("/auth/login", content=b'{"username": "a\\ud800", "password": "x"}', headers=JSON)
        assert (response.status_code, response.json()) == (400, body_error(SURROGATE, "username"))

    def test_lone_low_surrogate_deep_in_a_profile_is_400(self, client, make):
        body = b'{"details": {"name": "Zo", "age": 30, "position": ["top", "\\uDC00"]}}'
        response = client.post("/profiles", content=body, headers={**JSON, **make.headers("add")})
        assert (response.status_code, response.json()) == (400, body_error(SURROGATE, "details.position.1"))

    def test_surrogate_in_a_key_is_400(self, client):
        response = client.post("/auth/login", content=b'{"\\ud800": 1}', headers=JSON)
        assert (response.status_code, response.json()) == (400, body_error(SURROGATE, "\ufffd"))

    def test_surrogate_as_raw_bytes_is_400(self, client):
        response = client.post("/auth/login", content=b'{"username": "\xed\xa0\x80", "password": "x"}',
                               headers=JSON)
        assert (response.status_code, response.json()) == (400, body_error("Request body is not valid UTF-8"))

    def test_a_surrogate_pair_is_one_character(self, client, make):
        body = b'{"details": {"name": "Zo\\ud83d\\ude00", "age": 30}}'
        response = client.post("/profiles", content=body, headers={**JSON, **make.headers("add")})
        assert response.status_code == 201
        assert response.json()["profile"]["details"]["name"] == "Zo\U0001f600"

    def test_encoded_surrogate_in_a_path_is_not_an_error_of_ours(self, client, make):
        response = client.get("/profiles/%ED%A0%80", headers=make.headers("view"))
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "id"

    def test_lone_surrogate_finder(self):
        assert lone_surrogate({"a": ["ok", {"b": "x\udfff"}]}) == "a.1.b"
        assert lone_surrogate("\ud800") == ""
        assert lone_surrogate({"a": "\U0001f600"}) is None


class TestContentType:
    def test_body_without_content_type_is_415_naming_json(self, client):
        response = client.post("/auth/login", content=b'{"username": "a", "password": "x"}')
        assert response.status_code == 415
        assert response.json() == {"message": "Missing Content-Type header, expected ['application/json']",
                                   "err": {"code": "UNSUPPORTED_MEDIA_TYPE", "details": None}}

    def test_wrong_content_type_is_415_naming_json(self, client):
        response = client.post("/auth/login", content=b'{"username": "a"}', headers={"Content-Type": "text/plain"})
        assert response.status_code == 415
        assert response.json() == {"message": "Invalid Content-type (text/plain), expected ['application/json']",
                                   "err": {"code": "UNSUPPORTED_MEDIA_TYPE", "details": None}}

    def test_no_body_and_no_content_type_is_the_missing_body(self, client):
        response = client.post("/auth/login")
        assert (response.status_code, response.json()) == (400, body_error("Request body is required"))


class TestWithoutNul:
    def test_any_depth_is_cleaned_without_recursion(self):
        value = current = {}
        for _ in range(100_000):
            current["a\x00"] = current = {}
        current["leaf"] = ["x\x00y", 1, None]
        cleaned, changed = without_nul(value)
        assert changed
        for _ in range(100_000):
            cleaned = cleaned["a"]
        assert cleaned == {"leaf": ["xy", 1, None]}

    def test_unchanged_values_say_so(self):
        assert without_nul({"a": [1, "b", {"c": None}]}) == ({"a": [1, "b", {"c": None}]}, False)
        assert without_nul("a\x00") == ("a", True)


def chunks(total, size=64 * 1024):
    yield b'{"username": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'", "password": "x"}'


class TestChunkedBodies:
    """On a real server: a body without Content-Length (chunked) is read, and refused with 413 once it
    passes the size limit."""

    @pytest.fixture
    def base(self, looking):
        with serving(looking.app) as url:
            yield url

    def test_oversized_chunked_body_is_413(self, base, looking):
        response = httpx.post(base + "/auth/login", content=chunks(looking.settings.max_body_bytes + 1),
                              headers=JSON, timeout=30)
        assert response.status_code == 413
        assert response.json() == {"message": "Request body too large", "err": {"code": "TOO_LARGE", "details": None}}

    def test_small_chunked_body_reaches_the_handler(self, base):
        def body():
            yield b'{"username": "nobody", '
            yield b'"password": "x"}'

        response = httpx.post(base + "/auth/login", content=body(), headers=JSON, timeout=30)
        assert (response.status_code, response.json()) == (
            401, {"status": 401, "authorized": False, "message": "Invalid username or password"})

    def test_chunked_body_without_content_type_is_415(self, base):
        response = httpx.post(base + "/auth/login", content=iter([b'{"username": "a", "password": "x"}']),
                              timeout=30)
        assert response.status_code == 415


class TestDocumentedLimit:
    @pytest.mark.parametrize("name", ["looking", "ionora"])
    def test_each_spec_states_the_nesting_limit(self, name):
        from server.app import load_product, load_spec

        description = load_spec(load_product(name))["info"]["description"]
        assert f"at most {MAX_JSON_DEPTH} levels of arrays and objects" in description
