"""Response shapes shared by every Invare area, named after the root spec's components: ``User``,
``UserRef``, ``Country``, ``Company``. Each has a module-level dumper (``user_out(obj) -> dict``,
``user_out.many(objs)``); the objects must have their ``country`` (and a company its ``owner``) loaded,
which the models' relationships do by joining."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Money, Uuid


class CountryOut(Schema):
    id = Uuid()
    countryCode = fields.String(attribute="country_code")
    countryName = fields.String(attribute="country_name")


class UserRefOut(Schema):
    id = Uuid()
    email = fields.String()
    firstName = fields.String(attribute="first_name", allow_none=True)
    lastName = fields.String(attribute="last_name", allow_none=True)


class UserOut(Schema):
    id = Uuid()
    email = fields.String()
    firstName = fields.String(attribute="first_name", allow_none=True)
    lastName = fields.String(attribute="last_name", allow_none=True)
    phone = fields.String(allow_none=True)
    accountStatus = fields.String(attribute="account_status")
    subscriptionTier = fields.String(attribute="subscription_tier", allow_none=True)
    countryId = Uuid(attribute="country_id")
    country = fields.Nested(CountryOut, allow_none=True)
    isAdmin = fields.Boolean(attribute="is_admin")
    isCarrier = fields.Boolean(attribute="is_carrier")
    googleId = fields.String(attribute="google_id", allow_none=True)
    registerType = fields.String(attribute="register_type")
    avatar = fields.String(allow_none=True)
    pointsBalance = Money(attribute="points_balance")
    frozenPoints = Money(attribute="frozen_points")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class CompanyOut(Schema):
    id = Uuid()
    companyName = fields.String(attribute="company_name")
    vatNumber = fields.String(attribute="vat_number", allow_none=True)
    website = fields.String(allow_none=True)
    verificationStatus = fields.String(attribute="verification_status")
    countryId = Uuid(attribute="country_id")
    country = fields.Nested(CountryOut, allow_none=True)
    owner = fields.Nested(UserRefOut)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


country_out = dumper(CountryOut())
user_ref_out = dumper(UserRefOut())
user_out = dumper(UserOut())
company_out = dumper(CompanyOut())
