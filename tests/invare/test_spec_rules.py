"""Rules every Invare operation follows, whichever area wrote it (they read the bundled spec)."""
import pytest

import openapi
from server.products.invare import ROLE_CHECKS

SPEC = openapi.load("invare")
OPERATIONS = [(method.upper(), path, op) for path, item in SPEC["paths"].items()
              for method, op in item.items() if method in ("get", "post", "put", "patch", "delete")]
PUBLIC = {("GET", "/"), ("GET", "/livez"), ("GET", "/readyz"), ("GET", "/metrics"), ("POST", "/auth/request-otp"),
          ("POST", "/auth/login"), ("POST", "/auth/login/google"), ("POST", "/auth/register/user"),
          ("POST", "/auth/register/company-user"), ("POST", "/auth/register/carrier-user"),
          # §3.0: browsable without an account (their areas add them)
          ("GET", "/advertisements"), ("GET", "/advertisements/{id}"), ("GET", "/listings"), ("GET", "/listings/{id}"),
          ("GET", "/materials"), ("GET", "/materials/{id}"), ("GET", "/material-categories"),
          ("GET", "/material-categories/{id}"), ("POST", "/payments/thawani/webhook"),
          ("POST", "/payments/edfapay/webhook"),
          # §3.0: uploads are served from /public
          ("GET", "/public/images/{file}"), ("GET", "/public/files/{file}"),
          ("GET", "/public/chat-attachments/{chatId}/{folder}/{file}"),
          # the registration and profile pages read the country catalog signed out; the web client its dictionaries
          ("GET", "/countries"), ("GET", "/countries/{id}"), ("GET", "/country-settings/{id}"),
          ("GET", "/localization/lang/{languageCode}"),
          # §3.3: the listing page reads the bids signed out
          ("GET", "/bids/listing/{listingId}")}
OPTIONAL_TOKEN = {("GET", "/listings"), ("GET", "/listings/{id}"), ("GET", "/bids/listing/{listingId}")}
"""Public operations that also take a token: their answer depends on who asks (unpublished listings)."""


def resolve(schema):
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def open_objects(schema, where, seen=None):
    """Object schemas in a request body that would let unknown properties through."""
    seen = seen if seen is not None else set()
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return []
        seen.add(schema["$ref"])
    schema = resolve(schema)
    if schema.get("additionalProperties") is True:  # open on purpose: a provider's webhook body, taken as it comes
        return []
    found = []
    if schema.get("properties") and schema.get("additionalProperties") is not False:
        found.append(where)
    for name, sub in (schema.get("properties") or {}).items():
        found += open_objects(sub, f"{where}.{name}", seen)
    for key in ("items",):
        if isinstance(schema.get(key), dict):
            found += open_objects(schema[key], f"{where}[]", seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key) or []:
            found += open_objects(sub, where, seen)
    return found


@pytest.mark.parametrize("method, path, op", OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
class TestEveryOperation:
    def test_bodies_refuse_unknown_properties(self, method, path, op):
        """``property x should not exist``, as the original's whitelist pipe: ``additionalProperties: false``,
        for JSON bodies and multipart forms alike."""
        content = (op.get("requestBody") or {}).get("content") or {}
        for media_type in ("application/json", "multipart/form-data"):
            schema = (content.get(media_type) or {}).get("schema")
            assert schema is None or open_objects(schema, "body") == []

    def test_role_markers_are_known_and_documented(self, method, path, op):
        markers = op.get("x-permissions") or []
        assert set(markers) <= set(ROLE_CHECKS)
        if markers:
            assert op.get("security") == [{"bearerAuth": []}]
            assert {"401", "403"} <= set(op["responses"])

    def test_public_only_where_the_reference_means_it(self, method, path, op):
        security = op.get("security", SPEC["security"])
        public = security == [] or {} in security
        assert public == ((method, path) in PUBLIC), "public operations: §3.0's list (tests/invare/test_spec_rules.py)"
        assert (security == [{"bearerAuth": []}, {}]) == ((method, path) in OPTIONAL_TOKEN)

    def test_operations_with_a_path_parameter_document_404(self, method, path, op):
        """A segment that routes nowhere (a newline in it, say) is 404 whatever the operation answers."""
        if "{" in path:
            assert "404" in op["responses"]

    def test_protected_operations_document_401(self, method, path, op):
        security = op.get("security", SPEC["security"])
        if security != []:
            # a token is optional where {} is among the requirements: one that is not valid reads as none
            assert ("401" in op["responses"]) == ({} not in security)
