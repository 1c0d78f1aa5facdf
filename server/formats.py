"""JSON-schema format checkers the spec relies on (draft 4 checks none of these by default)."""
import datetime as dt
import re
import uuid

from jsonschema import Draft4Validator, FormatChecker

FORMAT_CHECKER = FormatChecker()
for _name, _fn in Draft4Validator.FORMAT_CHECKER.checkers.items():
    FORMAT_CHECKER.checkers[_name] = _fn

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@FORMAT_CHECKER.checks("uuid", raises=ValueError)
def _uuid(value):
    if not isinstance(value, str):
        return True
    uuid.UUID(value)
    return len(value) == 36


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _date(value):
    if not isinstance(value, str):
        return True
    dt.date.fromisoformat(value)
    return len(value) == 10


@FORMAT_CHECKER.checks("email")
def _email(value):
    return not isinstance(value, str) or bool(_EMAIL.match(value))
