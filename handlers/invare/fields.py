"""marshmallow fields Invare's response schemas share: ids, money as decimal strings, nested references.

``Money()`` dumps ``Decimal("2.5")`` as ``"2.50"`` (``models.invare.money.money_str``); ``Uuid()`` dumps
UUIDs as strings; timestamps use ``handlers.fields.IsoZ`` (``2025-01-01T10:00:00.000Z``).
"""
from marshmallow import fields

from models.invare.money import money_str


def _uuid_str(value):
    return None if value is None else str(value)


class Uuid(fields.Field):
    convert = staticmethod(_uuid_str)

    def _serialize(self, value, attr, obj, **kwargs):
        return _uuid_str(value)


class Money(fields.Field):
    convert = staticmethod(money_str)

    def _serialize(self, value, attr, obj, **kwargs):
        return money_str(value)
