"""Which documented operations a product's spec covers: `python -m contracts.coverage [product ...]`.

The documented operations of each product (its API reference, as a checklist) are kept beside the specs
in ``openapi/endpoints/<product>.tsv``: a header line, then ``method<TAB>path<TAB>note`` per operation.
Paths are compared with parameter names erased (``/users/{id}`` == ``/users/{userId}``), after the
path of the spec's first server URL (``/api``) is prefixed to the spec's paths. Looking documents
optional path segments (note ``optional path segments: /profiles/:limit?/:skip?``): every prefix of
the optional segments must be routed.

A product built area by area lists the areas still under way in ``openapi/endpoints/<product>.pending``:
one documented path prefix per line (``/api/post`` covers ``/api/post/...``), ``#`` comments. Their
operations are not counted as missing yet; each area removes its lines when its operations land (the drift
test refuses a pending prefix whose operations are already in the spec).
"""
import re
import sys
from dataclasses import dataclass
from urllib.parse import urlparse

import openapi
from contracts.specs import OPENAPI, spec_path

ENDPOINTS = OPENAPI / "endpoints"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


@dataclass(frozen=True)
class Documented:
    method: str
    path: str
    note: str

    def variants(self):
        """The normalised paths the spec must route for this operation."""
        if "optional path segments" not in self.note:
            return [normalise(self.path)]
        parts = self.note.split(": ", 1)[1].strip().strip("/").split("/")
        fixed = "/" + "/".join(p for p in parts if not p.endswith("?"))
        optional = [p for p in parts if p.endswith("?")]
        return [normalise(fixed + "/{}" * n) for n in range(len(optional) + 1)]

    def __str__(self):
        return f"{self.method} {self.path}"


def normalise(path):
    path = re.sub(r"\{[^}]*\}", "{}", path)
    return path.rstrip("/") if len(path) > 1 else path


def endpoints_file(product):
    return ENDPOINTS / f"{product}.tsv"


def documented(product):
    """The product's documented operations, in the order of its reference."""
    lines = endpoints_file(product).read_text().splitlines()
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        method, path, *rest = line.split("\t")
        if method.lower() not in HTTP_METHODS or not path.startswith("/"):
            raise ValueError(f"{endpoints_file(product).name}:{number}: not 'METHOD<TAB>/path': {line!r}")
        rows.append(Documented(method.upper(), path, rest[0] if rest else ""))
    return rows


def pending_file(product):
    return ENDPOINTS / f"{product}.pending"


def pending(product):
    """The documented path prefixes whose area is still being built (none without a .pending file)."""
    path = pending_file(product)
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def is_pending(doc, prefixes):
    return any(doc.path == p or doc.path.startswith(p.rstrip("/") + "/") for p in prefixes)


def spec_operations(product):
    """{(METHOD, normalised path with the server's base path)} for every operation in the spec."""
    spec = openapi.load(product)
    servers = spec.get("servers") or []
    prefix = urlparse(servers[0].get("url", "")).path.rstrip("/") if servers else ""
    return {
        (method.upper(), normalise(prefix + route))
        for route, item in (spec.get("paths") or {}).items()
        for method in (item or {})
        if method.lower() in HTTP_METHODS
    }


def routed(doc, in_spec):
    return all((doc.method, v) in in_spec for v in doc.variants())


def missing(product):
    """Documented operations the spec does not route (every variant must be there), leaving out the
    areas still pending."""
    in_spec = spec_operations(product)
    prefixes = pending(product)
    return [doc for doc in documented(product) if not routed(doc, in_spec) and not is_pending(doc, prefixes)]


def stale_pending(product):
    """Pending prefixes with a documented operation the spec already routes: the area has landed."""
    in_spec = spec_operations(product)
    docs = documented(product)
    return [p for p in pending(product) if any(routed(doc, in_spec) for doc in docs if is_pending(doc, [p]))]


def main(argv=None):
    products = argv if argv is not None else sys.argv[1:]
    products = products or sorted(p.stem for p in ENDPOINTS.glob("*.tsv"))
    total = covered = 0
    for product in products:
        docs = documented(product)
        waiting = [doc for doc in docs if is_pending(doc, pending(product))] if spec_path(product).exists() else []
        gaps = missing(product) + waiting if spec_path(product).exists() else docs
        total += len(docs)
        covered += len(docs) - len(gaps)
        where = f"openapi/{product}.yaml" if spec_path(product).exists() else "no spec yet"
        note = f" ({len(waiting)} in areas still under way)" if waiting else ""
        print(f"{product}: {len(docs) - len(gaps)}/{len(docs)} documented operations in {where}{note}")
        for doc in missing(product) if spec_path(product).exists() else ():
            print(f"  missing: {doc}")
    print(f"documented operations in specs: {covered}/{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
