"""Request validators that name every failing field.

Connexion's stock validators stop at the first JSON-schema error and report it as one string. These
subclasses collect every error with its location and raise :class:`RequestValidationProblem`, which
each product's error registry renders in its own format.
"""
import json

from connexion.exceptions import BadRequestProblem, ExtraParameterProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.validators import VALIDATOR_MAP
from connexion.validators.json import JSONRequestBodyValidator
from connexion.validators.parameter import ParameterValidator
from connexion.validators.form_data import FormDataValidator, MultiPartFormDataValidator
from connexion.utils import is_null, is_nullable
from jsonschema import Draft4Validator
from starlette.datastructures import Headers

from server.formats import FORMAT_CHECKER


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


def collect(validator, instance, location, prefix=""):
    errors = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        errors.append({"field": _field_path(error, prefix), "location": location, "message": _describe(error)})
    return errors


def without_nul(value):
    """``value`` with every NUL character removed from its strings and keys, and whether any was.

    PostgreSQL cannot store NUL in text or JSON; the character carries no meaning in any field here,
    so it is dropped at the door instead of failing deep in the database."""
    if isinstance(value, str):
        return (value.replace("\x00", ""), True) if "\x00" in value else (value, False)
    if isinstance(value, list):
        items = [without_nul(v) for v in value]
        return [v for v, _ in items], any(changed for _, changed in items)
    if isinstance(value, dict):
        pairs = [(without_nul(k), without_nul(v)) for k, v in value.items()]
        return {k: v for (k, _), (v, _) in pairs}, any(kc or vc for (_, kc), (_, vc) in pairs)
    return value, False


class BodyValidator(JSONRequestBodyValidator):
    async def wrap_receive(self, receive, *, scope):
        """As Connexion's, except that NUL characters are dropped after validation (the body is judged as
        sent) and the body is re-sent only when that changed it, so handlers that verify a signature
        over the raw body still see the bytes that were signed."""
        headers = Headers(scope=scope)
        if not int(headers.get("content-length", 0)):
            if self._required:
                raise RequestValidationProblem([
                    {"field": None, "location": "body", "message": "Request body is required"}])
            receive, scope = self._insert_body(receive, body=self._schema.get("default"), scope=scope)
        messages = []

        async def stream():
            more_body = True
            while more_body:
                message = await receive()
                messages.append(message)
                more_body = message.get("more_body", False)
                yield message.get("body", b"")
            yield b""

        body = await self._parse(stream(), scope=scope)
        if not (body is None and self._nullable):
            self._validate(body)
        body, changed = without_nul(body)
        if changed:
            return self._insert_body(receive, body=body, scope=scope)
        return self._insert_messages(receive, messages=messages), scope

    @property
    def _validator(self):
        return Draft4RequestValidator(self._schema, format_checker=FORMAT_CHECKER)

    async def _parse(self, stream, scope):
        raw = b"".join([message async for message in stream])
        try:
            text = raw.decode(self._encoding)
        except (UnicodeDecodeError, LookupError):
            raise RequestValidationProblem([
                {"field": None, "location": "body", "message": "Request body is not valid UTF-8"}
            ])
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise RequestValidationProblem([
                {"field": None, "location": "body", "message": f"Malformed JSON: {exc}"}
            ])

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


class ParamValidator(ParameterValidator):
    @staticmethod
    def _check(location, value, param):
        name = param["name"]
        if is_nullable(param) and is_null(value):
            return []
        if value is None:
            if param.get("required"):
                return [{"field": name, "location": location, "message": f"Missing {location} parameter '{name}'"}]
            return []
        schema = param.get("schema", param)
        validator = Draft4Validator(schema, format_checker=FORMAT_CHECKER)
        return [
            {"field": name, "location": location, "message": f"Invalid {location} parameter '{name}': {_describe(e)}"}
            for e in validator.iter_errors(value)
        ]

    def validate_request(self, request):
        errors = []
        if self.strict_validation:
            extra = self.validate_query_parameter_list(request, security_params=self.security_query_params)
            errors += [
                {"field": name, "location": "query", "message": f"Unknown query parameter '{name}'"}
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
    """Form validators: unknown form fields become a field-naming validation error."""

    def _validate(self, body):
        try:
            return super()._validate(body)
        except ExtraParameterProblem as exc:
            raise RequestValidationProblem([{"field": None, "location": "body", "message": exc.detail}])


class FormValidator(_NamedExtraFields, FormDataValidator):
    pass


class MultipartValidator(_NamedExtraFields, MultiPartFormDataValidator):
    pass


def validator_map():
    mapping = dict(VALIDATOR_MAP)
    body = type(VALIDATOR_MAP["body"])(dict(VALIDATOR_MAP["body"]))
    body["*/*json"] = BodyValidator
    body["application/x-www-form-urlencoded"] = FormValidator
    body["multipart/form-data"] = MultipartValidator
    mapping["body"] = body
    mapping["parameter"] = ParamValidator
    return mapping
