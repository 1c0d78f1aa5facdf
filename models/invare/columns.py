"""Column types every Invare table uses: JSON (JSONB on PostgreSQL), money, checked enums, timestamps."""
import datetime as dt

from sqlalchemy import JSON, DateTime, Enum, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import mapped_column

from models.base import utcnow

Json = JSON().with_variant(JSONB(), "postgresql")
# SAR amounts and points: two decimals, exact (``Decimal`` in Python, a decimal string in JSON).
Money = Numeric(14, 2)


def checked_enum(values, name, length=32):
    """A string column limited to ``values`` by a CHECK constraint (no native enum type to migrate)."""
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=length,
                validate_strings=True)


def created_at_column(index=False):
    return mapped_column(DateTime(timezone=True), default=utcnow, index=index)


__all__ = ["Json", "Money", "checked_enum", "created_at_column", "dt"]
