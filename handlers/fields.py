"""marshmallow fields shared by every product's response schemas."""
import datetime as dt

from marshmallow import fields


def iso_z(value):
    """``2025-01-01T00:00:00.000Z``: UTC, milliseconds, Z suffix."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class IsoZ(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return iso_z(value)
