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
