"""Drift guard: the spec covers the reference, and every spec operation has a handler.

Documented operations come from ../shared/endpoints/<product>.tsv, compared with the same logic as
../shared/tools/spec_coverage.py. A handler is named by the operation's ``x-handler`` if present, else
by its operationId, relative to ``handlers.<product>`` (as RelativeResolver resolves it).
"""
import importlib.util

import pytest
import yaml
from connexion.utils import get_function_from_name

from contracts.specs import ROOT, implemented_products, spec_path

COVERAGE_TOOL = ROOT / ".." / "shared" / "tools" / "spec_coverage.py"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def _load_coverage_tool():
    spec = importlib.util.spec_from_file_location("spec_coverage", COVERAGE_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


coverage = _load_coverage_tool()
PRODUCTS = implemented_products()


def spec_operations(product):
    """(method, path, operation) for every operation in the product's spec."""
    path = spec_path(product)
    spec = yaml.safe_load(path.read_text())
    for route, item in (spec.get("paths") or {}).items():
        item = coverage.resolve_path_item(item, str(path))
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), route, operation


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_documented_operation_is_in_the_spec(product):
    in_spec = coverage.spec_operations(str(spec_path(product)))
    missing = [
        f"{method} {path}"
        for method, path, note in coverage.documented(product)
        if not all((method, variant) in in_spec for variant in coverage.variants(path, note))
    ]
    assert not missing, f"documented in endpoints/{product}.tsv but not in openapi/{product}.yaml: {missing}"


@pytest.mark.parametrize("product", PRODUCTS)
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
