"""Localization keys and their texts per language: public dictionaries, changed by administrators."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Uuid
from models.invare import database, localization
from models.invare.paging import DEFAULT_LIMIT


class KeyOut(Schema):
    id = Uuid()
    keyName = fields.String(attribute="key_name")
    description = fields.String(allow_none=True)
    translations = fields.Function(lambda key: {t.language_code: t.value for t in key.translations})
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


key_out = dumper(KeyOut())


def create_key(body):
    with database.unit_of_work() as uow:
        answer = key_out(localization.create_key(uow.session, data=body))
        uow.commit()
    return answer, 201


def list_keys(page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return key_out.many(localization.list_keys(session, page=page, limit=limit)), 200


def translate(body):
    with database.unit_of_work() as uow:
        key, entry, created = localization.translate(uow.session, data=body)
        answer = {"id": str(entry.id), "keyId": str(key.id), "keyName": key.key_name,
                  "languageCode": entry.language_code, "value": entry.value}
        uow.commit()
    return answer, 201 if created else 200


def get_language(languageCode):
    code = localization.language(languageCode)
    with database.reading() as session:
        return {"languageCode": code, "translations": localization.dictionary(session, code)}, 200


def delete_key(id):
    with database.unit_of_work() as uow:
        localization.delete_key(uow.session, key_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.localization_key_deleted"}, 200
