"""Company addresses (the company's owner) and user addresses (the user themself); administrators all."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Uuid
from handlers.invare.schemas import CountryOut
from models.invare import addresses, database
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


class AddressOut(Schema):
    id = Uuid()
    street = fields.String()
    city = fields.String()
    postalCode = fields.String(attribute="postal_code")
    countryId = Uuid(attribute="country_id")
    country = fields.Nested(CountryOut, allow_none=True)
    isDefault = fields.Boolean(attribute="is_default")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class CompanyAddressOut(AddressOut):
    state = fields.String(allow_none=True)
    companyId = Uuid(attribute="company_id")


class UserAddressOut(AddressOut):
    userId = Uuid(attribute="user_id")


company_address_out = dumper(CompanyAddressOut())
user_address_out = dumper(UserAddressOut())
DELETED = {"success": True, "messageKey": "messages.address_deleted"}


def create_company_address(body, token_info):
    with database.unit_of_work() as uow:
        address = addresses.add_company_address(uow.session, caller=Caller.of(token_info), data=body)
        answer = company_address_out(address)
        uow.commit()
    return answer, 201


def list_company_addresses(companyId, token_info, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = addresses.list_company_addresses(session, caller=Caller.of(token_info), company_id=companyId,
                                                 page=page, limit=limit)
        return company_address_out.many(found), 200


def delete_company_address(id, token_info):
    with database.unit_of_work() as uow:
        addresses.delete_company_address(uow.session, caller=Caller.of(token_info), address_id=id)
        uow.commit()
    return DELETED, 200


def create_user_address(body, token_info):
    with database.unit_of_work() as uow:
        address = addresses.add_user_address(uow.session, caller=Caller.of(token_info), data=body)
        answer = user_address_out(address)
        uow.commit()
    return answer, 201


def list_user_addresses(userId, token_info, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = addresses.list_user_addresses(session, caller=Caller.of(token_info), user_id=userId,
                                              page=page, limit=limit)
        return user_address_out.many(found), 200


def delete_user_address(id, token_info):
    with database.unit_of_work() as uow:
        addresses.delete_user_address(uow.session, caller=Caller.of(token_info), address_id=id)
        uow.commit()
    return DELETED, 200
