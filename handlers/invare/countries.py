"""Countries and their settings: public to read, changed by administrators (``AdminOnly`` in the spec)."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Uuid
from handlers.invare.schemas import country_out
from models.invare import countries, database
from models.invare.i18n import localize
from models.invare.paging import DEFAULT_LIMIT


class CountryRefOut(Schema):
    id = Uuid()


class SettingOut(Schema):
    id = Uuid()
    countryId = Uuid(attribute="country_id")
    country = fields.Nested(CountryRefOut)
    key = fields.String()
    value = fields.String()
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


setting_out = dumper(SettingOut())


def country_json(country, lang=None):
    """A country, in ``lang`` or with its ``i18n``."""
    return localize(country_out(country), country.i18n, lang, countries.TRANSLATED)


def create_country(body):
    with database.unit_of_work() as uow:
        answer = country_json(countries.create_country(uow.session, data=body))
        uow.commit()
    return answer, 201


def list_countries(page=1, limit=DEFAULT_LIMIT, lang=None):
    with database.reading() as session:
        return [country_json(c, lang) for c in countries.list_countries(session, page=page, limit=limit)], 200


def get_country(id, lang=None):
    with database.reading() as session:
        return country_json(countries.get_country(session, id), lang), 200


def update_country(id, body):
    with database.unit_of_work() as uow:
        answer = country_json(countries.update_country(uow.session, country_id=id, changes=body))
        uow.commit()
    return answer, 200


def delete_country(id):
    with database.unit_of_work() as uow:
        countries.delete_country(uow.session, country_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.country_deleted"}, 200


def put_setting(body):
    with database.unit_of_work() as uow:
        setting, created = countries.put_setting(uow.session, data=body)
        answer = setting_out(setting)
        uow.commit()
    return answer, 201 if created else 200


def list_settings(id, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return setting_out.many(countries.list_settings(session, country_id=id, page=page, limit=limit)), 200


def delete_setting(id):
    with database.unit_of_work() as uow:
        countries.delete_setting(uow.session, setting_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.country_setting_deleted"}, 200
