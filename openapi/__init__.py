"""The products' contracts, shipped with the code: ``<product>.yaml`` (OpenAPI 3.0.3) and the
documented operations each reference lists, ``endpoints/<product>.tsv`` (what the drift guard checks).

A product whose contract outgrows one reader splits it per area: the root ``<product>.yaml`` keeps the
info, servers, tags, security and shared components, and its ``paths`` refer to path items in
``<product>/<area>.yaml`` (``$ref: "diora/post.yaml#/paths/~1post"``). Area files refer to the shared
components through the root (``$ref: "../diora.yaml#/components/schemas/Envelope"``) and keep their own
under their own ``components``. :func:`load` joins them into one document, the one the app serves and
every tool reads: path items are inlined, every referenced component is hoisted under the bundle's
``components`` by name (two different components with one name are an error) and referred to locally.
"""
import copy
import threading
from pathlib import Path

import yaml

SPECS = Path(__file__).resolve().parent


def spec_path(product):
    """The root file of the product's contract (what a person edits)."""
    return SPECS / f"{product}.yaml"


def source_files(product):
    """The root file and every area file beside it: what a bundle depends on."""
    root = spec_path(product)
    return [root, *sorted((SPECS / product).glob("*.yaml"))] if root.exists() else []


_cache = {}
_lock = threading.Lock()


def load(product):
    """The product's contract as one document (a fresh copy; cached until a source file changes)."""
    files = source_files(product)
    if not files:
        raise FileNotFoundError(spec_path(product))
    stamp = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    with _lock:
        cached = _cache.get(product)
        if cached is None or cached[0] != stamp:
            cached = _cache[product] = (stamp, bundle(spec_path(product)))
    return copy.deepcopy(cached[1])


def dump(document):
    """The bundle as YAML text, in the source's key order."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


class BundleError(ValueError):
    pass


def bundle(root_path):
    """Join a root document and the files it refers to into one self-contained document."""
    return _Bundler(Path(root_path).resolve()).run()


def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


class _Bundler:
    def __init__(self, root):
        self.root = root
        self.files = {}
        self.components = {}      # kind -> name -> value
        self.origin = {}          # (kind, name) -> (file, pointer)

    def document(self, path):
        if path not in self.files:
            try:
                self.files[path] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except FileNotFoundError:
                raise BundleError(f"$ref to a missing file: {path}") from None
        return self.files[path]

    def target(self, path, pointer):
        node = self.document(path)
        for token in [t for t in pointer.split("/") if t]:
            token = _unescape(token)
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise BundleError(f"$ref target not found: {path.name}#{pointer}") from None
        return node

    def run(self):
        root = self.document(self.root)
        out = {k: v for k, v in root.items() if k not in ("paths", "components")}
        out["paths"] = {path: self.walk(item, self.root) for path, item in (root.get("paths") or {}).items()}
        for kind, entries in (root.get("components") or {}).items():
            for name in entries or {}:
                self.hoist(self.root, f"/components/{kind}/{name}", kind, name)
        out["components"] = {kind: dict(sorted(entries.items())) if kind == "schemas" else entries
                             for kind, entries in self.components.items()}
        return out

    def walk(self, node, base):
        if isinstance(node, list):
            return [self.walk(v, base) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            file, _, pointer = ref.partition("#")
            path = (base.parent / file).resolve() if file else base
            tokens = [_unescape(t) for t in pointer.split("/") if t]
            if len(tokens) == 3 and tokens[0] == "components":
                self.hoist(path, pointer, tokens[1], tokens[2])
                return {"$ref": f"#/components/{tokens[1]}/{tokens[2]}"}
            resolved = self.walk(self.target(path, pointer), path)
            extra = {k: self.walk(v, base) for k, v in node.items() if k != "$ref"}
            return {**resolved, **extra} if extra and isinstance(resolved, dict) else resolved
        return {k: self.walk(v, base) for k, v in node.items()}

    def hoist(self, path, pointer, kind, name):
        source = (path, pointer)
        known = self.origin.get((kind, name))
        if known is not None:
            if known != source:
                raise BundleError(f"two components named {kind}/{name}: {known[0].name}#{known[1]} and "
                                  f"{path.name}#{pointer}")
            return
        self.origin[(kind, name)] = source
        entries = self.components.setdefault(kind, {})
        entries[name] = None  # placeholder: a recursive schema refers to itself by name
        entries[name] = self.walk(self.target(path, pointer), path)
