"""Carrier profiles: a carrier's own (create, read, change, delete), all (administrators), available ones."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Uuid
from handlers.invare.orders_out import UserBriefOut
from models.invare import carriers, database
from models.invare.callers import Caller
from models.invare.money import money_number
from models.invare.paging import DEFAULT_LIMIT


def _number(name):
    return fields.Function(lambda profile: money_number(getattr(profile, name)))


class CarrierProfileOut(Schema):
    id = Uuid()
    pricePerTon = _number("price_per_ton")
    pricePerKm = _number("price_per_km")
    currency = fields.String()
    vehicleType = fields.String(attribute="vehicle_type", allow_none=True)
    vehicleBrand = fields.String(attribute="vehicle_brand", allow_none=True)
    vehicleModel = fields.String(attribute="vehicle_model", allow_none=True)
    vehicleYear = fields.Integer(attribute="vehicle_year", allow_none=True)
    vehiclePlateNumber = fields.String(attribute="vehicle_plate_number", allow_none=True)
    vehicleCapacityTons = _number("vehicle_capacity_tons")
    vehicleDescription = fields.String(attribute="vehicle_description", allow_none=True)
    licenseNumber = fields.String(attribute="license_number", allow_none=True)
    licenseExpiryDate = fields.Function(lambda p: p.license_expiry_date.isoformat() if p.license_expiry_date else None)
    isAvailable = fields.Boolean(attribute="is_available")
    user = fields.Nested(UserBriefOut)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


profile_out = dumper(CarrierProfileOut())


def _write(work):
    with database.unit_of_work() as uow:
        answer = work(uow.session)
        uow.commit()
    return answer


def create_profile(body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: profile_out(carriers.create_profile(s, caller, body))), 201


def get_mine(token_info):
    with database.reading() as session:
        return profile_out(carriers.profile_of(session, Caller.of(token_info).id)), 200


def list_profiles(page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return profile_out.many(carriers.list_profiles(session, page=page, limit=limit)), 200


def list_available(token_info, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return profile_out.many(carriers.list_profiles(session, page=page, limit=limit, available_only=True)), 200


def update_mine(body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: profile_out(carriers.update_mine(s, caller, body))), 200


def delete_mine(token_info):
    caller = Caller.of(token_info)
    _write(lambda s: carriers.delete_mine(s, caller))
    return {"success": True, "messageKey": "messages.carrier_profile_deleted"}, 200
