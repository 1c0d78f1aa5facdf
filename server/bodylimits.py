"""Request-body size limits per operation, declared in the spec.

Every request body is limited to the server's ``MAX_BODY_BYTES`` (8 MiB by default). An operation that
takes larger bodies (uploads, attachments), or wants a tighter bound, declares its own limit in bytes on
the operation with the extension ``x-body-limit``, states it in the operation's description and
documents its 413::

    /chat/attachments:
      post:
        operationId: chat.attach
        x-body-limit: 52428800          # 50 MiB: the whole multipart body, boundaries and fields included
        description: ... at most 50 MiB (413 beyond) ...
        responses:
          "413": {$ref: "../invare.yaml#/components/responses/PayloadTooLarge"}

The platform's gate (``server.middleware``) looks the limit up before routing, refuses a larger
``Content-Length`` at once and counts a chunked body as it arrives, refusing it the moment it passes.
"""
import re

EXTENSION = "x-body-limit"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_PARAMETER = re.compile(r"\\\{[^}]+\\\}")


class BodyLimits:
    """``limit_for(method, path)``: the body limit in bytes for a request, ``default`` unless the
    operation it routes to declares ``x-body-limit``.

    ``declared`` maps ``(METHOD, spec path)`` to the declared limit. For each method with a declared
    limit, one regular expression matches every spec path of that method, the parameter-free (most
    specific) ones first, so that ``/files/avatar`` is not taken for ``/files/{id}``."""

    def __init__(self, default, operations=(), base_path=""):
        self.default = default
        self.declared = {}
        self._by_method = {}
        by_method = {}
        for method, path, limit in operations:
            if limit is not None:
                self.declared[(method, path)] = limit
            by_method.setdefault(method, []).append((path, limit))
        for method, entries in by_method.items():
            if not any(limit is not None for _, limit in entries):
                continue  # this method's requests all get the default: nothing to match
            entries.sort(key=lambda entry: entry[0].count("{"))  # stable: spec order within a rank
            alternatives = [f"(?P<o{i}>{_pattern(base_path, path)})" for i, (path, _) in enumerate(entries)]
            limits = {f"o{i}": (default if limit is None else limit) for i, (_, limit) in enumerate(entries)}
            self._by_method[method] = (re.compile("|".join(alternatives)), limits)

    @classmethod
    def from_spec(cls, spec, base_path, default):
        """The limits ``spec`` declares. Raises ValueError for an ``x-body-limit`` that is not a positive
        whole number of bytes (the app then refuses to start)."""
        operations = []
        for path, item in (spec.get("paths") or {}).items():
            for method in METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                limit = operation.get(EXTENSION)
                if limit is not None and (type(limit) is not int or limit <= 0):
                    raise ValueError(f"{method.upper()} {path}: {EXTENSION} must be a positive whole number of "
                                     f"bytes, not {limit!r}")
                operations.append((method.upper(), path, limit))
        return cls(default, operations, base_path or "")

    def limit_for(self, method, path):
        found = self._by_method.get(method)
        if found is None:
            return self.default
        regex, limits = found
        match = regex.match(path)
        return limits[match.lastgroup] if match else self.default


def _pattern(base_path, path):
    return _PARAMETER.sub("[^/]+", re.escape(base_path + path)) + "/?$"
