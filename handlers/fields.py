"""marshmallow fields shared by every product's response schemas."""
import datetime as dt

from marshmallow import fields


_ZERO = dt.timedelta(0)


def iso_z(value):
    """``2025-01-01T00:00:00.000Z``: UTC, milliseconds, Z suffix."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.isoformat(timespec="milliseconds") + "Z"
    if value.utcoffset() != _ZERO:
        value = value.astimezone(dt.timezone.utc)
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"  # drop the "+00:00"


class IsoZ(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return iso_z(value)


IsoZ.convert = staticmethod(iso_z)


def _optional(convert):
    return lambda value: None if value is None else convert(value)


_STOCK = {fields.String: _optional(str), fields.Integer: _optional(int), fields.Boolean: _optional(bool)}


def _converter(field):
    """``value -> JSON value`` for a field whose output depends on its value alone, or None."""
    kind = type(field)
    if kind in _STOCK:
        return _STOCK[kind]
    convert = getattr(field, "convert", None)  # our own fields: a plain function of the value
    if convert is not None:
        return convert
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return _optional(dict)
    if kind is fields.List:
        inner = _converter(field.inner)
        if inner is not None:
            return lambda value: None if value is None else [inner(item) for item in value]
    if kind is fields.Nested and not field.many and not field.only and not field.exclude:
        return _optional(dumper(field.schema))
    return None


def dumper(schema):
    """``dump(obj) -> dict``, equal to ``schema.dump(obj)`` (a single object), planned once from the
    schema's declared fields so that a hot read does not walk marshmallow's machinery per field and row.
    The schema stays the one place the shape is declared; fields this plan does not know (and dotted
    attributes) are serialized by marshmallow itself. ``dump.many(objs)`` equals
    ``schema.dump(objs, many=True)``; for result rows it reads columns by position."""
    plan = []
    for name, field in schema.dump_fields.items():
        key, attr = field.data_key or name, field.attribute or name
        convert = _converter(field)
        if isinstance(field, fields.Function) and field.serialize_func is not None:
            plan.append((key, None, field.serialize_func))
        elif convert is None or "." in attr:
            plan.append((key, None, lambda obj, name=name, field=field: field.serialize(name, obj,
                                                                                       accessor=schema.get_attribute)))
        else:
            plan.append((key, attr, convert))

    def dump(obj):
        return {key: (convert(obj) if attr is None else convert(getattr(obj, attr))) for key, attr, convert in plan}

    by_position = {}  # a result row's column names -> [(key, column index or None, convert)]

    def many(objs):
        if not objs:
            return []
        names = getattr(objs[0], "_fields", None)
        if names is None:
            return [dump(obj) for obj in objs]
        positional = by_position.get(names)
        if positional is None:
            index = {name: i for i, name in enumerate(names)}
            positional = by_position[names] = [(key, index[attr], convert) if attr in index
                                               else (key, None, convert if attr is None else _missing(attr, convert))
                                               for key, attr, convert in plan]
        return [{key: (convert(row) if i is None else convert(row[i])) for key, i, convert in positional}
                for row in objs]

    dump.many = many
    return dump


def _missing(attr, convert):
    """A column the row does not have: read it as an attribute (a bundle, say), as ``dump`` does."""
    return lambda row: convert(getattr(row, attr))
