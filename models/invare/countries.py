"""Countries (``countryCode``, ``countryName``, Arabic and English names in ``i18n``) and each country's
settings (``key`` -> ``value``). Users, companies and addresses refer to countries.

The catalog is public to read and changed by administrators only (the spec's ``AdminOnly``). A country's
name is translatable: ``i18n`` holds ``{"ar": {"countryName": ...}, "en": {...}}`` (``models.invare.i18n``).
"""
import uuid

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, Uuid, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Conflict, NotFound
from models.invare import InvareBase
from models.invare.columns import Json
from models.invare.i18n import clean_translations, merge_translations
from models.invare.ids import as_uuid
from models.invare.paging import page_of

COUNTRY_NOT_FOUND = "Country not found"
COUNTRY_CODE_TAKEN = "Country code already exists"
COUNTRY_IN_USE = "Country is in use and cannot be deleted"
SETTING_NOT_FOUND = "Country setting not found"
TRANSLATED = ("countryName",)


class Country(UuidPk, Timestamps, InvareBase):
    __tablename__ = "countries"

    country_code: Mapped[str] = mapped_column(String(8), unique=True)
    country_name: Mapped[str] = mapped_column(String(100), index=True)
    i18n: Mapped[dict | None] = mapped_column(Json)


class CountrySetting(UuidPk, Timestamps, InvareBase):
    __tablename__ = "country_settings"
    __table_args__ = (UniqueConstraint("country_id", "key", name="uq_country_settings_country_id_key"),)

    country_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("countries.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)

    country: Mapped[Country] = relationship(lazy="joined")


def require_country(session, country_id, *, field="countryId"):
    """The id of the country ``country_id`` names (``None`` passes through), else 404 ``Country not found``."""
    key = as_uuid(country_id, field=field)
    if key is None:
        return None
    if session.scalars(select(Country.id).where(Country.id == key)).first() is None:
        raise NotFound(COUNTRY_NOT_FOUND, field=field)
    return key


def get_country(session, country_id, *, lock=False):
    stmt = select(Country).where(Country.id == as_uuid(country_id))
    country = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if country is None:
        raise NotFound(COUNTRY_NOT_FOUND)
    return country


def list_countries(session, *, page, limit):
    """Countries by name (then code), one page."""
    stmt = select(Country).order_by(Country.country_name, Country.country_code, Country.id)
    return page_of(session, stmt, page=page, limit=limit)


def create_country(session, *, data):
    """A country from ``{countryCode, countryName, i18n?}``; the code is stored upper-cased, 409 when taken."""
    code = data["countryCode"].strip().upper()
    _refuse_taken_code(session, code)
    country = Country(country_code=code, country_name=data["countryName"].strip(),
                      i18n=clean_translations(data.get("i18n"), TRANSLATED))
    session.add(country)
    _flush_unique(session)
    return country


def update_country(session, *, country_id, changes):
    """Change the fields sent; ``i18n`` merges language by language."""
    country = get_country(session, country_id, lock=True)
    if "countryCode" in changes:
        code = changes["countryCode"].strip().upper()
        _refuse_taken_code(session, code, except_id=country.id)
        country.country_code = code
    if "countryName" in changes:
        country.country_name = changes["countryName"].strip()
    if "i18n" in changes:
        country.i18n = merge_translations(country.i18n, changes["i18n"], TRANSLATED)
    country.updated_at = utcnow()
    _flush_unique(session)
    return country


def delete_country(session, *, country_id):
    """Remove a country and its settings; users and companies in it keep no country. 409 when other data
    still needs it (a table of another area refusing the removal)."""
    country = get_country(session, country_id, lock=True)
    try:
        with session.begin_nested():
            session.delete(country)
            session.flush()
    except IntegrityError:
        raise Conflict(COUNTRY_IN_USE) from None


def _refuse_taken_code(session, code, except_id=None):
    stmt = select(Country.id).where(Country.country_code == code)
    if except_id is not None:
        stmt = stmt.where(Country.id != except_id)
    if session.scalars(stmt).first() is not None:
        raise Conflict(COUNTRY_CODE_TAKEN, field="countryCode")


def _flush_unique(session):
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(COUNTRY_CODE_TAKEN, field="countryCode") from None


# -- settings -----------------------------------------------------------------------------------------

def put_setting(session, *, data):
    """Set ``key`` to ``value`` for a country: ``(setting, created)``; an existing key gets the new value."""
    country = get_country(session, data["countryId"], lock=True)  # serialises writers of one country
    setting = session.scalars(select(CountrySetting).where(CountrySetting.country_id == country.id,
                                                           CountrySetting.key == data["key"])).first()
    created = setting is None
    if created:
        setting = CountrySetting(country=country, key=data["key"], value=data["value"])
        session.add(setting)
    else:
        setting.value = data["value"]
        setting.updated_at = utcnow()
    session.flush()
    return setting, created


def list_settings(session, *, country_id, page, limit):
    """A country's settings by key (404 for an unknown country)."""
    country = get_country(session, country_id)
    stmt = select(CountrySetting).where(CountrySetting.country_id == country.id).order_by(CountrySetting.key)
    return page_of(session, stmt, page=page, limit=limit)


def delete_setting(session, *, setting_id):
    setting = session.scalars(select(CountrySetting).where(CountrySetting.id == as_uuid(setting_id))
                              .with_for_update(of=CountrySetting)).first()
    if setting is None:
        raise NotFound(SETTING_NOT_FOUND)
    session.delete(setting)
    session.flush()


