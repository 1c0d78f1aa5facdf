"""Request validators that name every failing field.

Connexion's stock validators stop at the first JSON-schema error and report it as one string. These
subclasses collect every error with its location and raise :class:`RequestValidationProblem`, which
each product's error registry renders in its own format.
"""
import functools
import json
import re
import tempfile
from decimal import Decimal, InvalidOperation

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, UnsupportedMediaTypeProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.middleware.request_validation import (RequestValidationAPI, RequestValidationMiddleware,
                                                     RequestValidationOperation)
from connexion.validators import VALIDATOR_MAP
from connexion.validators.json import JSONRequestBodyValidator
from connexion.validators.parameter import ParameterValidator
from connexion.validators.form_data import FormDataValidator, MultiPartFormDataValidator
from connexion.utils import is_null, is_nullable
from jsonschema import Draft4Validator, ValidationError
from jsonschema.validators import extend
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartParser

from server.formats import FORMAT_CHECKER


def _decimal_multiple_of(validator, divisor, instance, schema):
    """``multipleOf`` judged on the decimal numbers the JSON text wrote: 7105.23 is a multiple of 0.01,
    which binary floating point (jsonschema's own check) denies."""
    if not validator.is_type(instance, "number"):
        return
    try:
        remainder = Decimal(str(instance)) % Decimal(str(divisor))
    except InvalidOperation:  # too many digits apart to divide exactly: not a multiple that can be told
        remainder = None
    if remainder != 0:
        yield ValidationError(f"{instance!r} is not a multiple of {divisor}")


# The specs' "some text" pattern: a character that is not whitespace, spelled out so that Python's `re`
# and ECMA-262 agree (each one's \\s misses characters the other's holds). Its failure reads "is blank".
NON_BLANK = "[^\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"


@functools.lru_cache(maxsize=1024)
def _ecma_regex(pattern):
    """A schema pattern compiled with ECMA-262's end anchor: a closing ``$`` is the end of the string
    (``\\Z``), where Python's ``$`` also matches before a final newline ("123456\\n" would pass
    ``^[0-9]{6}$``). The specs spell their character classes out (a lint rule), so the rest reads alike."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    return re.compile(pattern)


def _ecma_pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} is blank" if pattern == NON_BLANK
                              else f"{instance!r} does not match {pattern!r}")


ECMA_KEYWORDS = {"pattern": _ecma_pattern}
RequestBodyValidator = extend(Draft4RequestValidator, {**ECMA_KEYWORDS, "multipleOf": _decimal_multiple_of})
FormSchemaValidator = extend(Draft4RequestValidator, ECMA_KEYWORDS)
ParameterSchemaValidator = extend(Draft4Validator, ECMA_KEYWORDS)


class RequestValidationProblem(BadRequestProblem):
    """400 with a list of ``{"field", "location", "message"}`` entries."""

    def __init__(self, errors):
        self.errors = errors
        first = errors[0]
        where = f" ({first['field']})" if first.get("field") else ""
        super().__init__(detail=f"{first['message']}{where}")


def _field_path(error, prefix=""):
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        parts.append(missing)
    elif error.validator == "additionalProperties" and "'" in error.message:
        parts.append(error.message.split("'")[1])
    path = ".".join(p for p in parts if p != "")
    return (prefix + "." + path if prefix and path else prefix or path) or None


def _describe(error):
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return message


RULE_KEYS = ("rule", "expected", "unexpected")  # kept out of ApiError.errors, in ApiError.failures


def _unexpected(error):
    """The property names an ``additionalProperties: false`` error refused, in the order sent."""
    schema, instance = error.schema, error.instance
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    known = schema.get("properties") or {}
    patterns = [re.compile(p) for p in (schema.get("patternProperties") or {})]
    return [name for name in instance if name not in known and not any(p.search(name) for p in patterns)]


def _rule(error):
    """What a product needs to word the error its own way: the failed keyword (``rule``), its value in
    the schema (``expected``) and, for unknown properties, their names (``unexpected``)."""
    rule = {"rule": error.validator, "expected": error.validator_value}
    if error.validator == "additionalProperties":
        rule["unexpected"] = _unexpected(error)
    elif error.validator == "required" and "'" in error.message:
        rule["expected"] = error.message.split("'")[1]
    return rule


def collect(validator, instance, location, prefix=""):
    errors = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        entry = {"field": _field_path(error, prefix), "location": location, "message": _describe(error), **_rule(error)}
        if error.validator not in ("required", "additionalProperties"):
            entry["value"] = error.instance  # the value judged (a product may echo it back)
        errors.append(entry)
    return errors


def without_nul(value):
    """``value`` with every NUL character removed from its strings and keys, and whether any was.

    PostgreSQL cannot store NUL in text or JSON; the character carries no meaning in any field here,
    so it is dropped at the door instead of failing deep in the database. Parsed JSON is cleaned in
    place, with a stack instead of recursion, so no nesting depth can exhaust Python's stack."""
    if isinstance(value, str):
        return (value.replace("\x00", ""), True) if "\x00" in value else (value, False)
    changed = False
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(isinstance(key, str) and "\x00" in key for key in node):
                items = [(key.replace("\x00", "") if isinstance(key, str) else key, item) for key, item in node.items()]
                node.clear()
                node.update(items)
                changed = True
            slots = node.items()
        elif isinstance(node, list):
            slots = enumerate(node)
        else:
            continue
        for slot, item in list(slots):
            if isinstance(item, str):
                if "\x00" in item:
                    node[slot] = item.replace("\x00", "")
                    changed = True
            elif isinstance(item, (dict, list)):
                stack.append(item)
    return value, changed


MAX_JSON_DEPTH = 64
"""How deeply arrays and objects may nest in a JSON request body. Every documented body nests a few
levels; free-form ones (profile details, webhook payloads) stay far below this. Checked on the raw
text before parsing, so neither the parser nor the validators ever recurse deeper."""

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def nesting_depth_exceeds(text, limit=MAX_JSON_DEPTH):
    """Whether the arrays and objects of the JSON ``text`` nest deeper than ``limit`` (brackets inside
    strings do not count).

    Fewer brackets than the limit settle it with two counts. Otherwise the brackets alone are reduced
    by removing innermost pairs, one level per pass (each pass a C-speed string replace): text that is
    gone within ``limit`` passes is shallow enough; pairs still left after them are nested deeper.
    What stops reducing early is not JSON (brackets that never close or close too often): it counts as
    too deep only with more than ``limit`` brackets left open, else the parser reports it, recursing no
    deeper than twice the limit."""
    if text.count("[") + text.count("{") <= limit:
        return False
    data = text.encode("utf-8", "surrogatepass")
    if b'"' in data:
        data = _JSON_STRING.sub(b"", data)
    brackets = data.translate(_ONE_KIND, _NOT_BRACKETS)
    for _ in range(limit):
        reduced = brackets.replace(b"[]", b"")
        if not reduced:
            return False
        if len(reduced) == len(brackets):
            break
        brackets = reduced
    else:
        if b"[]" in brackets:
            return True
    return brackets.count(b"[") > limit


def lone_surrogate(value):
    """The dotted path of the first string (or key) in parsed JSON that holds a lone UTF-16 surrogate
    (``"\\ud800"`` escapes that do not form a pair), ``""`` for the body itself, or ``None``."""
    stack = [(value, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return path
        elif isinstance(node, dict):
            for key, item in node.items():
                where = f"{path}.{key}" if path else str(key)
                if _SURROGATE.search(key):
                    return _SURROGATE.sub("\ufffd", where)
                stack.append((item, where))
        elif isinstance(node, list):
            stack.extend((item, f"{path}.{index}" if path else str(index)) for index, item in enumerate(node))
    return None


def _with_length(scope, length):
    """``scope`` for a body that arrived chunked, now read whole: a Content-Length instead of the
    chunked Transfer-Encoding, which the WSGI side (Werkzeug) would otherwise read as no body."""
    scope = dict(scope)
    scope["headers"] = [(name, value) for name, value in scope["headers"] if name not in (b"transfer-encoding", b"content-length")]
    scope["headers"].append((b"content-length", str(length).encode()))
    return scope


class BodyValidator(JSONRequestBodyValidator):
    async def wrap_receive(self, receive, *, scope):
        """As Connexion's, except that the body is always read (a chunked body has no Content-Length
        and was taken for a missing one), a body without a Content-Type is refused with 415 (the handler
        would see bytes, not JSON), NUL characters are dropped after validation (the body is judged as
        sent), and the body is re-sent only when that changed it, so handlers that verify a signature
        over the raw body still see the bytes that were signed."""
        messages = []
        more_body = True
        while more_body:
            message = await receive()
            messages.append(message)
            more_body = message.get("type") == "http.request" and message.get("more_body", False)
        raw = b"".join(message.get("body", b"") for message in messages)
        receive = self._insert_messages(receive, messages=messages)
        if "content-length" not in Headers(scope=scope):
            scope = _with_length(scope, len(raw))
        if not raw:
            if self._required:
                raise RequestValidationProblem([
                    {"field": None, "location": "body", "message": "Request body is required"}])
            receive, scope = self._insert_body(receive, body=self._schema.get("default"), scope=scope)
            return receive, scope
        if "content-type" not in Headers(scope=scope):
            raise UnsupportedMediaTypeProblem(detail="Missing Content-Type header, expected ['application/json']")
        body = self._parse_bytes(raw)
        if not (body is None and self._nullable):
            self._validate(body)
        body, changed = without_nul(body)
        if changed:
            return self._insert_body(receive, body=body, scope=scope)
        return receive, scope

    @property
    def _validator(self):
        return RequestBodyValidator(self._schema, format_checker=FORMAT_CHECKER)

    async def _parse(self, stream, scope):
        return self._parse_bytes(b"".join([message async for message in stream]))

    def _parse_bytes(self, raw):
        try:
            text = raw.decode(self._encoding)
        except (UnicodeDecodeError, LookupError):
            raise RequestValidationProblem([
                {"field": None, "location": "body", "message": "Request body is not valid UTF-8"}
            ])
        if not text.strip():
            return None
        if nesting_depth_exceeds(text):
            raise RequestValidationProblem([
                {"field": None, "location": "body",
                 "message": f"JSON nests deeper than {MAX_JSON_DEPTH} levels of arrays and objects"}
            ])
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise RequestValidationProblem([
                {"field": None, "location": "body", "message": f"Malformed JSON: {exc}"}
            ])
        if _SURROGATE_ESCAPE.search(text):
            where = lone_surrogate(body)
            if where is not None:
                raise RequestValidationProblem([
                    {"field": where or None, "location": "body",
                     "message": "Invalid Unicode: a lone UTF-16 surrogate (\\ud800-\\udfff) is not a character"}
                ])
        return body

    def _validate(self, body):
        if body is None:
            if self._nullable:
                return None
            raise RequestValidationProblem([
                {"field": None, "location": "body", "message": "Request body must not be empty"}
            ])
        errors = collect(self._validator, body, "body")
        if errors:
            raise RequestValidationProblem(errors)
        return body


_PARAM_VALIDATORS = {}  # id(param) -> (param, validator): one per spec parameter, built at first use


def _param_validator(param):
    cached = _PARAM_VALIDATORS.get(id(param))
    if cached is None or cached[0] is not param:
        cached = _PARAM_VALIDATORS[id(param)] = (
            param, ParameterSchemaValidator(param.get("schema", param), format_checker=FORMAT_CHECKER))
    return cached[1]


class ParamValidator(ParameterValidator):
    @staticmethod
    def _check(location, value, param):
        name = param["name"]
        if is_nullable(param) and is_null(value):
            return []
        if value is None:
            if param.get("required"):
                return [{"field": name, "location": location, "message": f"Missing {location} parameter '{name}'",
                         "rule": "required", "expected": name}]
            return []
        validator = _param_validator(param)
        return [
            {"field": name, "location": location, "message": f"Invalid {location} parameter '{name}': {_describe(e)}",
             "value": value, **_rule(e)}
            for e in validator.iter_errors(value)
        ]

    def validate_request(self, request):
        errors = []
        if self.strict_validation:
            extra = self.validate_query_parameter_list(request, security_params=self.security_query_params)
            errors += [
                {"field": name, "location": "query", "message": f"Unknown query parameter '{name}'",
                 "rule": "additionalProperties", "unexpected": [name]}
                for name in sorted(extra)
            ]
        for param in self.parameters.get("query", []):
            errors += self._check("query", request.query_params.get(param["name"]), param)
        for param in self.parameters.get("path", []):
            errors += self._check("path", request.path_params.get(param["name"].replace("-", "_")), param)
        for param in self.parameters.get("header", []):
            errors += self._check("header", request.headers.get(param["name"]), param)
        for param in self.parameters.get("cookie", []):
            errors += self._check("cookie", request.cookies.get(param["name"]), param)
        if errors:
            raise RequestValidationProblem(errors)


class _NamedExtraFields:
    """Form validators: patterns read as ECMA-262 reads them (as for a JSON body); unknown form fields become a validation error that names them in the order sent,
    with the rule beside it (``additionalProperties``), as for a JSON body; unless the form's schema says
    ``additionalProperties: true`` (a provider's callback, whose fields are not all ours to name)."""

    @property
    def _validator(self):
        return FormSchemaValidator(self._schema, format_checker=FORMAT_CHECKER)

    def _validate_params_strictly(self, data):
        if self._schema.get("additionalProperties") is True:
            return
        known = self._schema.get("properties", {})
        extra = [name for name in data if name not in known]
        if extra:
            raise RequestValidationProblem([
                {"field": None, "location": "body", "message": f"Extra formData parameter(s) {','.join(extra)} not in spec",
                 "rule": "additionalProperties", "unexpected": extra}])


class FormValidator(_NamedExtraFields, FormDataValidator):
    pass


class _FormKeepingParser(MultiPartParser):
    """Starlette's multipart parser, handing the parsed form (its spooled files) to ``keep``."""

    def __init__(self, headers, stream, *, keep):
        super().__init__(headers, stream)
        self._keep = keep

    async def parse(self):
        form = await super().parse()
        self._keep.append(form)
        return form


class MultipartValidator(_NamedExtraFields, MultiPartFormDataValidator):
    """Validates a multipart body without holding it in memory.

    Connexion's validator keeps every message of the body in a list to replay it to the handler, so a
    50 MB upload would sit in memory whole. This one writes the raw body to a temporary file as it
    arrives (in memory up to :attr:`SPOOL_BYTES`, on disk beyond), feeds the same chunks to Starlette's
    parser (which spools each file part likewise and keeps other fields under 1 MiB), and replays the
    body from the file. The parsed form's files are closed once validated. The body limit is the gate's
    (``server.middleware``): its receive raises 413 as soon as the body passes the operation's limit.
    A chunked body is read like any other and then gets its Content-Length (Werkzeug reads no chunked
    body), and a missing body is judged by what arrived, not by a missing Content-Length."""

    SPOOL_BYTES = 1024 * 1024
    REPLAY_CHUNK = 64 * 1024

    async def wrap_receive(self, receive, *, scope):
        spool = tempfile.SpooledTemporaryFile(max_size=self.SPOOL_BYTES)
        self._forms = []
        try:
            chunks = self._spooled(receive, spool)
            first = b""
            async for first in chunks:  # skip empty messages; an empty body ends the stream here
                if first:
                    break
            if first:
                parsed = await self._parse(_prepend(first, chunks), scope=scope)
                async for _ in chunks:  # whatever the parser left unread still belongs to the body
                    pass
                self._validate(parsed)
            elif self._required:
                raise RequestValidationProblem([
                    {"field": None, "location": "body", "message": "Request body is required"}])
        except BaseException:
            spool.close()
            raise
        finally:
            for form in self._forms:
                await form.close()
        size = spool.tell()
        if "content-length" not in Headers(scope=scope):
            scope = _with_length(scope, size)
        spool.seek(0)
        return self._replay(spool, size, receive), scope

    @property
    def _form_parser_cls(self):
        return functools.partial(_FormKeepingParser, keep=self._forms)

    @staticmethod
    async def _spooled(receive, spool):
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            spool.write(chunk)
            more_body = message.get("more_body", False)
            yield chunk

    def _replay(self, spool, size, receive):
        async def replay():
            if spool.closed:
                return await receive()
            chunk = spool.read(self.REPLAY_CHUNK)
            more_body = spool.tell() < size
            if not more_body:
                spool.close()
            return {"type": "http.request", "body": chunk, "more_body": more_body}

        return replay


async def _prepend(first, chunks):
    yield first
    async for chunk in chunks:
        yield chunk


class _CachedRequestValidationOperation(RequestValidationOperation):
    """Connexion's request validation of one operation, with what depends only on the operation built
    once instead of on every request: the URI parser and parameter validator (stateless: every request
    brings its own scope) and the table of accepted media types. What is validated, and how, is Connexion's."""

    _parameter_validator = None
    _media_types = None

    def parameter_validator(self):
        if self._parameter_validator is None:
            operation = self._operation
            self._parameter_validator = self._validator_map["parameter"](
                operation.parameters,
                uri_parser=operation._uri_parser_class(operation.parameters, operation.body_definition()),
                strict_validation=self.strict_validation,
                security_query_params=self.security_query_params,
            )
        return self._parameter_validator

    def validate_mime_type(self, mime_type):
        consumes = self._operation.consumes
        if not consumes:
            return
        if self._media_types is None:
            self._media_types = MediaTypeDict([(c.lower(), None) for c in consumes])
        if mime_type.lower() not in self._media_types:
            raise UnsupportedMediaTypeProblem(detail=f"Invalid Content-type ({mime_type}), expected {consumes}")

    async def __call__(self, scope, receive, send):
        self.parameter_validator().validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        schema = self._operation.body_schema(mime_type)
        if schema:
            try:
                body_validator = self._validator_map["body"][mime_type]  # media ranges: MediaTypeDict's lookup
            except KeyError:  # none registered for the type: not validated, as Connexion does
                body_validator = None
            if body_validator is not None:
                validator = body_validator(
                    schema=schema,
                    required=self._operation.request_body.get("required", False),
                    nullable=is_nullable(self._operation.body_definition(mime_type)),
                    encoding=encoding,
                    strict_validation=self.strict_validation,
                    uri_parser=self._operation.uri_parser_class(self._operation.parameters,
                                                                self._operation.body_definition()),
                )
                receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _CachedRequestValidationAPI(RequestValidationAPI):
    def make_operation(self, operation):
        return _CachedRequestValidationOperation(self.next_app, operation=operation,
                                                 strict_validation=self.strict_validation,
                                                 validator_map=self.validator_map)


class CachedRequestValidationMiddleware(RequestValidationMiddleware):
    """Connexion's RequestValidationMiddleware with per-operation work done once (see above)."""

    api_cls = _CachedRequestValidationAPI


def validator_map():
    mapping = dict(VALIDATOR_MAP)
    body = type(VALIDATOR_MAP["body"])(dict(VALIDATOR_MAP["body"]))
    body["*/*json"] = BodyValidator
    body["application/x-www-form-urlencoded"] = FormValidator
    body["multipart/form-data"] = MultipartValidator
    mapping["body"] = body
    mapping["parameter"] = ParamValidator
    return mapping
