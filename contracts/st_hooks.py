"""Corrections to Schemathesis, loaded into every run by contracts/schemathesis.toml (``hooks``).

Null in a wildcard link. Schemathesis infers links such as ``GET /companies`` -> ``GET /countries/{id}``
with ``id`` taken from ``$response.body#/*/countryId``. A value that resolves to null is unusable and
Schemathesis skips it, except when the wildcard matched several items: then it picks one of them, null
included, and requests ``/countries/None`` as if it were valid data (a false "schema-valid request
rejected"). Here the nulls are dropped from such matches before the pick: a match of nulls only is null,
which Schemathesis skips as it does a single one.

A value outside the parameter's enum. An inferred link can fill a path parameter with whatever sits at
its place in a URL (``PATCH /orders/{id}/status/{status}`` with an id for ``status``) and the request is
then judged as schema-valid data. Such a value is as unusable as a null: it is dropped, and Schemathesis
generates the parameter instead.
"""
from schemathesis.core.result import Ok
from schemathesis.specs.openapi import expressions
from schemathesis.specs.openapi.stateful import links

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


_extract_parameters = links.OpenApiLink.extract_parameters


def extract_parameters(self, output):
    extracted = _extract_parameters(self, output)
    enums = {p.name: p.raw_schema.get("enum") for p in self.target.iter_parameters()
             if isinstance(getattr(p, "raw_schema", None), dict)}
    for container in extracted.values():
        for name, param in container.items():
            allowed = enums.get(name)
            if allowed and isinstance(param.value, Ok):
                value = param.value.ok()
                values = value.values if isinstance(value, expressions.MultiMatch) else [value]
                usable = [v for v in values if v in allowed]
                if len(usable) != len(values):
                    param.value = Ok(expressions.MultiMatch(usable) if len(usable) > 1 else usable[0] if usable else None)
    return extracted


if getattr(links.OpenApiLink.extract_parameters, "__module__", None) != __name__:
    links.OpenApiLink.extract_parameters = extract_parameters
