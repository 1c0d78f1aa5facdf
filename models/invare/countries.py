"""Countries (``countryCode``, ``countryName``): referred to by users, companies and addresses.

The table is here because accounts refer to it from the first migration; the countries area adds its
operations (CRUD, country settings) to this module.
"""
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Timestamps, UuidPk
from models.errors import NotFound
from models.invare import InvareBase
from models.invare.ids import as_uuid

COUNTRY_NOT_FOUND = "Country not found"


class Country(UuidPk, Timestamps, InvareBase):
    __tablename__ = "countries"

    country_code: Mapped[str] = mapped_column(String(8), unique=True)
    country_name: Mapped[str] = mapped_column(String(100))


def require_country(session, country_id, *, field="countryId"):
    """The id of the country ``country_id`` names (``None`` passes through), else 404 ``Country not found``."""
    key = as_uuid(country_id, field=field)
    if key is None:
        return None
    if session.scalars(select(Country.id).where(Country.id == key)).first() is None:
        raise NotFound(COUNTRY_NOT_FOUND, field=field)
    return key
