"""Corrections to Schemathesis, loaded into every run by contracts/schemathesis.toml (``hooks``).

Null in a wildcard link. Schemathesis infers links such as ``GET /companies`` -> ``GET /countries/{id}``
with ``id`` taken from ``$response.body#/*/countryId``. A value that resolves to null is unusable and
Schemathesis skips it, except when the wildcard matched several items: then it picks one of them, null
included, and requests ``/countries/None`` as if it were valid data (a false "schema-valid request
rejected"). Here the nulls are dropped from such matches before the pick: a match of nulls only is null,
which Schemathesis skips as it does a single one.
"""
from schemathesis.specs.openapi import expressions

_evaluate_wildcard = expressions.evaluate_wildcard


def evaluate_wildcard(expr, output):
    value = _evaluate_wildcard(expr, output)
    if not isinstance(value, expressions.MultiMatch):
        return value
    present = [item for item in value.values if item is not None]
    if len(present) > 1:
        return expressions.MultiMatch(present)
    return present[0] if present else None


if getattr(expressions.evaluate_wildcard, "__module__", None) != __name__:
    expressions.evaluate_wildcard = evaluate_wildcard
