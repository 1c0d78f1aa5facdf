"""contracts/st_hooks.py: the corrections to Schemathesis that every run loads."""
import pytest
from schemathesis.specs.openapi import expressions

from contracts import fuzz, st_hooks


def test_the_configuration_loads_them():
    fuzz.config()
    assert expressions.evaluate_wildcard is st_hooks.evaluate_wildcard


@pytest.mark.parametrize("matched, expected", [
    (expressions.MultiMatch([None, "a", None, "b"]), expressions.MultiMatch(["a", "b"])),
    (expressions.MultiMatch([None, "a"]), "a"),
    (expressions.MultiMatch([None, None]), None),
    ("a", "a"),
    (None, None),
])
def test_a_wildcard_link_never_picks_null(monkeypatch, matched, expected):
    """``GET /companies`` -> ``GET /countries/{id}`` from ``#/*/countryId``: a company without a country
    must not turn into ``/countries/None``."""
    monkeypatch.setattr(st_hooks, "_evaluate_wildcard", lambda expr, output: matched)
    assert st_hooks.evaluate_wildcard("$response.body#/*/countryId", None) == expected


class _Param:
    def __init__(self, name, schema):
        self.name, self.raw_schema = name, schema


class _Target:
    @staticmethod
    def iter_parameters():
        return [_Param("id", {"type": "string", "format": "uuid"}),
                _Param("status", {"type": "string", "enum": ["pending", "paid"]})]


class _Link:
    target = _Target()


@pytest.mark.parametrize("status, expected", [
    ("c1f7e49c-be7a-4fdd-9499-df75513d6056", None),
    ("paid", "paid"),
    (expressions.MultiMatch(["x", "paid", "pending"]), expressions.MultiMatch(["paid", "pending"])),
    (expressions.MultiMatch(["x", "paid"]), "paid"),
])
def test_a_link_value_outside_the_enum_is_unusable(monkeypatch, status, expected):
    """An inferred link that fills ``PATCH /orders/{id}/status/{status}``'s status with an id: the value is
    dropped (Schemathesis generates one) instead of being sent as schema-valid data."""
    from schemathesis.core.result import Ok
    from schemathesis.generation.stateful.state_machine import ExtractedParam

    def extracted(self, output):
        return {"path_parameters": {"id": ExtractedParam("$x", Ok("c1f7e49c-be7a-4fdd-9499-df75513d6056"), True),
                                    "status": ExtractedParam("$y", Ok(status), True)}}
    monkeypatch.setattr(st_hooks, "_extract_parameters", extracted)
    out = st_hooks.extract_parameters(_Link(), None)["path_parameters"]
    assert out["status"].value.ok() == expected
    assert out["id"].value.ok() == "c1f7e49c-be7a-4fdd-9499-df75513d6056"


def test_the_link_correction_is_installed():
    from schemathesis.specs.openapi.stateful import links
    fuzz.config()
    assert links.OpenApiLink.extract_parameters is st_hooks.extract_parameters
