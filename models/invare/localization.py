"""Localization: message keys (``welcome.title``) and their texts per language, for the web client's
dictionaries (``GET /localization/lang/:code`` -> ``{languageCode, translations: {key: text}}``).

Keys are created and removed by administrators, who also set a key's text in a language (setting it
again replaces it). Texts are stored exactly as sent (Arabic included: no trimming, no normalisation).
Language codes are compared without regard to case (stored lower-cased).
"""
import uuid

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, Uuid, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Conflict, NotFound
from models.invare import InvareBase
from models.invare.ids import as_uuid
from models.invare.paging import page_of

KEY_NOT_FOUND = "Localization key not found"
KEY_TAKEN = "Localization key already exists"


class LocalizationKey(UuidPk, Timestamps, InvareBase):
    __tablename__ = "localization_keys"

    key_name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(String(1000))

    translations: Mapped[list["Translation"]] = relationship(
        back_populates="key", cascade="all, delete-orphan", passive_deletes=True, order_by="Translation.language_code")


class Translation(UuidPk, Timestamps, InvareBase):
    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("key_id", "language_code", name="uq_translations_key_id_language_code"),)

    key_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("localization_keys.id", ondelete="CASCADE"))
    language_code: Mapped[str] = mapped_column(String(16), index=True)
    value: Mapped[str] = mapped_column(Text)

    key: Mapped[LocalizationKey] = relationship(back_populates="translations")


def language(code):
    return code.strip().lower()


def create_key(session, *, data):
    if session.scalars(select(LocalizationKey.id).where(LocalizationKey.key_name == data["keyName"])).first():
        raise Conflict(KEY_TAKEN, field="keyName")
    key = LocalizationKey(key_name=data["keyName"], description=data.get("description"))
    session.add(key)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(KEY_TAKEN, field="keyName") from None
    session.refresh(key, ["translations"])
    return key


def list_keys(session, *, page, limit):
    """Keys by name, each with its texts (loaded in one more query per page)."""
    stmt = (select(LocalizationKey).options(selectinload(LocalizationKey.translations))
            .order_by(LocalizationKey.key_name, LocalizationKey.id))
    return page_of(session, stmt, page=page, limit=limit)


def translate(session, *, data):
    """Set the key's text in a language: ``(translation, created)``. 404 for an unknown key."""
    key = session.scalars(select(LocalizationKey).where(LocalizationKey.key_name == data["keyName"])
                          .with_for_update()).first()
    if key is None:
        raise NotFound(KEY_NOT_FOUND, field="keyName")
    code = language(data["languageCode"])
    entry = session.scalars(select(Translation).where(Translation.key_id == key.id,
                                                      Translation.language_code == code)).first()
    created = entry is None
    if created:
        entry = Translation(key_id=key.id, language_code=code, value=data["value"])
        session.add(entry)
    else:
        entry.value = data["value"]
        entry.updated_at = utcnow()
    session.flush()
    return key, entry, created


def dictionary(session, code):
    """``{keyName: text}`` of every key with a text in the language."""
    rows = session.execute(select(LocalizationKey.key_name, Translation.value)
                           .join(Translation, Translation.key_id == LocalizationKey.id)
                           .where(Translation.language_code == language(code))
                           .order_by(LocalizationKey.key_name))
    return {name: value for name, value in rows}


def delete_key(session, *, key_id):
    key = session.scalars(select(LocalizationKey).where(LocalizationKey.id == as_uuid(key_id))
                          .with_for_update()).first()
    if key is None:
        raise NotFound(KEY_NOT_FOUND)
    session.delete(key)
    session.flush()
