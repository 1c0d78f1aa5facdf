"""Drift guard: the spec covers the reference, and every spec operation has a handler.

Documented operations are kept in the repository beside the specs (``openapi/endpoints/<product>.tsv``,
read by ``contracts.coverage``). A handler is named by the operation's ``x-handler`` if present, else
by its operationId, relative to ``handlers.<product>`` (as RelativeResolver resolves it).
"""
import pytest
from connexion.utils import get_function_from_name

import openapi
from contracts import coverage
from contracts.specs import implemented_products
from server.app import PRODUCTS

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def spec_operations(product):
    """(method, path, operation) for every operation in the product's spec."""
    spec = openapi.load(product)
    for route, item in (spec.get("paths") or {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), route, operation


class TestEndpointLists:
    def test_every_product_has_its_documented_operations_in_the_repository(self):
        assert sorted(p.stem for p in coverage.ENDPOINTS.glob("*.tsv")) == sorted(PRODUCTS)

    @pytest.mark.parametrize("product", PRODUCTS)
    def test_each_list_parses(self, product):
        rows = coverage.documented(product)
        assert rows and len(set((r.method, r.path) for r in rows)) == len(rows)

    def test_the_comparison_ignores_parameter_names_and_checks_every_optional_segment(self):
        doc = coverage.Documented("GET", "/profiles", "optional path segments: /profiles/:limit?/:skip?")
        assert doc.variants() == ["/profiles", "/profiles/{}", "/profiles/{}/{}"]
        assert coverage.normalise("/api/users/{userId}/") == "/api/users/{}"


@pytest.mark.parametrize("product", implemented_products())
def test_every_documented_operation_is_in_the_spec(product):
    missing = [str(doc) for doc in coverage.missing(product)]
    assert not missing, f"documented in openapi/endpoints/{product}.tsv but not in openapi/{product}.yaml: {missing}"


@pytest.mark.parametrize("product", implemented_products())
def test_no_pending_area_is_already_in_the_spec(product):
    stale = coverage.stale_pending(product)
    assert not stale, (f"openapi/endpoints/{product}.pending lists {stale}, whose operations the spec already "
                       f"routes: remove those lines")


class TestPendingAreas:
    def test_a_pending_prefix_covers_its_path_and_below(self):
        assert coverage.is_pending(coverage.Documented("GET", "/api/post/", ""), ["/api/post"])
        assert coverage.is_pending(coverage.Documented("PUT", "/api/post/like/{postId}", ""), ["/api/post"])
        assert not coverage.is_pending(coverage.Documented("GET", "/api/postcards", ""), ["/api/post"])


@pytest.mark.parametrize("product", implemented_products())
def test_every_spec_operation_resolves_to_a_handler(product):
    unresolved = []
    for method, route, operation in spec_operations(product):
        name = operation.get("x-handler") or operation.get("operationId")
        if not name:
            unresolved.append(f"{method} {route}: no operationId")
            continue
        try:
            handler = get_function_from_name(f"handlers.{product}.{name}")
        except (ImportError, AttributeError, ValueError) as exc:
            unresolved.append(f"{method} {route}: handlers.{product}.{name} ({exc})")
            continue
        if not callable(handler):
            unresolved.append(f"{method} {route}: handlers.{product}.{name} is not callable")
    assert not unresolved, "spec operations without a handler:\n" + "\n".join(unresolved)


class TestUnavailableIsDocumented:
    """Every operation that can reach the database documents the platform's 503 (busy or unreachable
    database, with ``Retry-After``), so generated clients know to retry; the operator operations that
    never touch it (index, liveness, metrics) and readiness (its own 503) are the exceptions."""

    @pytest.mark.parametrize("product", implemented_products())
    def test_every_operation_lists_503(self, product):
        missing = [f"{method} {route}" for method, route, operation in spec_operations(product)
                   if "Operations" not in operation.get("tags", []) and "503" not in operation["responses"]]
        assert missing == []
