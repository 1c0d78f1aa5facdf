"""The ``Allow`` header of a 405: the methods the requested resource supports, read from the spec.

A URL can fall under more than one spec path (``/tickets/assign`` and ``/tickets/{id}``;
``/review/product/{productId}`` and ``/review/{targetType}/{id}``). A templated path counts only when
the URL's segments are values its path parameters accept (an ``enum`` member, a ``uuid``, an integer, a
string matching the ``pattern``), as the router and the request validation would decide; a path without
parameters that equals the URL wins outright (the gate answers 405 there, see
``server.app.static_path_methods``). The methods of every path left are listed together: each of them
really is served at that URL.
"""
import re

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
UUID = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
ANY_SEGMENT = "[^/]+"


def _segment_pattern(schema):
    """A regex for one path segment that the parameter's schema accepts (loose where unsure)."""
    schema = schema or {}
    if schema.get("enum"):
        return "(?:" + "|".join(re.escape(str(value)) for value in schema["enum"]) + ")"
    if schema.get("format") == "uuid":
        return UUID
    if schema.get("type") == "integer":
        return "[+-]?[0-9]+"
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and pattern.startswith("^") and pattern.endswith("$") and "/" not in pattern:
        inner = pattern[1:-1]
        try:
            re.compile(inner)
        except re.error:
            return ANY_SEGMENT
        return f"(?:{inner})"
    return ANY_SEGMENT


def _resolved(spec, node, depth=0):
    """``node`` with a local ``$ref`` (``#/components/...``) followed."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and depth < 10:
        target = spec
        for part in node["$ref"][2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        node, depth = target, depth + 1
    return node if isinstance(node, dict) else {}


def _parameters(spec, item, operation):
    """The path parameters' schemas by name (operation-level ones override the path item's)."""
    found = {}
    for parameter in (item.get("parameters") or []) + (operation.get("parameters") or []):
        parameter = _resolved(spec, parameter)
        if parameter.get("in") == "path" and "name" in parameter:
            found[parameter["name"]] = _resolved(spec, parameter.get("schema"))
    return found


class AllowTable:
    """``allow(path) -> "DELETE, GET, PUT"`` (``None`` when no spec path matches)."""

    def __init__(self, spec, base_path=""):
        self.static = {}
        self.templated = []
        for path, item in (spec.get("paths") or {}).items():
            methods = {m.upper() for m in item if m in METHODS}
            full = (base_path or "") + path
            if "{" not in path:
                self.static[full.rstrip("/") or "/"] = methods
                continue
            operations = [item[m] for m in item if m in METHODS]
            schemas = {}
            for operation in operations:  # a parameter's schema is the same for each method of a path
                schemas.update(_parameters(spec, item, operation))
            pattern = re.sub(r"\\\{([^}]+)\\\}", lambda m: _segment_pattern(schemas.get(m.group(1))), re.escape(full))
            self.templated.append((re.compile("^" + pattern + "/?$"), methods))

    def allow(self, path):
        static = self.static.get(path.rstrip("/") or "/")
        if static is not None:
            return ", ".join(sorted(static))
        methods = set()
        for pattern, served in self.templated:
            if pattern.match(path):
                methods |= served
        return ", ".join(sorted(methods)) or None
