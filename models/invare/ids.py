"""UUID ids: request values (strings, already checked by the spec's ``format: uuid``) to ``uuid.UUID``,
which is what the ``Uuid`` columns bind. Model functions convert every id they receive with ``as_uuid``."""
import uuid

from models.errors import InvalidInput


def as_uuid(value, *, field="id"):
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput(f"{field} must be a UUID", field=field) from None
