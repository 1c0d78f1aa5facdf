"""Demo data for a fresh Invare database, and administrators.

Accounts have no passwords: sign in with ``POST /auth/request-otp`` and the code the mail carries (in
development the server log shows it). Other areas add their demo rows in ``seed()`` after the accounts
(``accounts`` maps each demo e-mail to its user)."""
from sqlalchemy import select

from models.invare import companies, users
from models.invare.addresses import CompanyAddress, UserAddress
from models.invare.catalog_seed import seed_catalog
from models.invare.countries import Country, CountrySetting
from models.invare.localization import LocalizationKey, Translation
from models.invare.users import User

SIGN_IN = "(no password: e-mailed code)"
COUNTRIES = [("SA", "Saudi Arabia", "المملكة العربية السعودية", "SAR"), ("OM", "Oman", "عُمان", "OMR"),
             ("AE", "United Arab Emirates", "الإمارات العربية المتحدة", "AED"), ("TR", "Türkiye", "تركيا", "TRY")]
ADMIN = {"email": "admin@invare.example", "firstName": "Invare", "lastName": "Admin"}
PEOPLE = [
    ("buyer", {"email": "buyer@invare.example", "firstName": "Ada", "lastName": "Lovelace", "phone": "+966500000001"}, {}),
    ("seller (company owner)", {"email": "seller@invare.example", "firstName": "Grace", "lastName": "Hopper",
                                "phone": "+966500000002"}, {}),
    ("carrier", {"email": "carrier@invare.example", "firstName": "John", "lastName": "Doe",
                 "phone": "+966500000003"}, {"is_carrier": True}),
]
MESSAGES = [("welcome.title", "Homepage title", "Welcome to Invare", "مرحباً بكم في إنفير"),
            ("listings.empty", "No listings found", "No listings yet", "لا توجد عروض بعد")]
COMPANY = {"companyName": "Acme Recycling", "vatNumber": "SA300000000000003", "website": "acme-recycling.example"}


def seed(session, settings=None):
    """Countries (Arabic and English names, a currency setting each), an administrator, a buyer (with an
    address), a seller with a verified company (with an address), a carrier, and two messages in Arabic
    and English; nothing when the database already has users. Returns (role, e-mail, how to sign in)
    per account."""
    if session.scalars(select(User.id).limit(1)).first() is not None:
        return []
    by_code = {}
    for code, name, arabic, currency in COUNTRIES:
        country = Country(country_code=code, country_name=name,
                          i18n={"ar": {"countryName": arabic}, "en": {"countryName": name}})
        session.add(country)
        session.add(CountrySetting(country=country, key="currency", value=currency))
        by_code[code] = country
    session.flush()
    saudi = str(by_code["SA"].id)
    admin = users.create_user(session, data={**ADMIN, "countryId": saudi}, is_admin=True)
    accounts = [("administrator", admin.email, SIGN_IN)]
    made = {}
    for role, data, flags in PEOPLE:
        made[role] = users.create_user(session, data={**data, "countryId": saudi}, **flags)
        accounts.append((role, made[role].email, SIGN_IN))
    company = companies.create_company(session, owner=made["seller (company owner)"],
                                       data={**COMPANY, "countryId": saudi}, verified=True)
    session.add(CompanyAddress(company_id=company.id, street="King Fahd Rd 100", city="Riyadh", postal_code="12211",
                               country_id=by_code["SA"].id, is_default=True))
    session.add(UserAddress(user_id=made["buyer"].id, street="Prince Sultan St 7", city="Jeddah", postal_code="23525",
                            country_id=by_code["SA"].id, is_default=True))
    for name, description, english, arabic in MESSAGES:
        session.add(LocalizationKey(key_name=name, description=description, translations=[
            Translation(language_code="en", value=english), Translation(language_code="ar", value=arabic)]))
    session.flush()
    seed_catalog(session, company=company)
    return accounts


def create_admin(session, username, email, password=None):
    """``create-admin invare``: an administrator with ``email`` (``username`` becomes the first name).
    The password is not stored: Invare accounts sign in with an e-mailed one-time code."""
    return users.make_admin(session, email=email, first_name=username)
