"""Declarative building blocks shared by every product.

Each product has its own ``DeclarativeBase`` subclass (its own ``MetaData``), made with
:func:`make_base`, so that each product migrates and lives in its own database.
"""
import datetime as dt
import uuid

from sqlalchemy import DateTime, MetaData, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models.ids import new_object_id

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_base(name):
    """A fresh declarative base with its own metadata and the shared naming convention."""
    return type(name, (DeclarativeBase,), {"metadata": MetaData(naming_convention=NAMING_CONVENTION)})


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


class ObjectIdPk:
    """A 24-hex ``_id``-style primary key, generated in Python."""

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_object_id)


class UuidPk:
    """A UUID primary key (native ``uuid`` on PostgreSQL, CHAR(32) on SQLite)."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


def as_utc(value):
    """SQLite hands timezone-aware columns back naive; both backends store UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)
