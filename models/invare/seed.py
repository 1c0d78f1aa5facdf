"""Demo data for a fresh Invare database, and administrators.

Accounts have no passwords: sign in with ``POST /auth/request-otp`` and the code the mail carries (in
development the server log shows it). Other areas add their demo rows in ``seed()`` after the accounts
(``accounts`` maps each demo e-mail to its user)."""
from sqlalchemy import select

from models.invare import companies, users
from models.invare.countries import Country
from models.invare.users import User

SIGN_IN = "(no password: e-mailed code)"
COUNTRIES = [("SA", "Saudi Arabia"), ("OM", "Oman"), ("TR", "Türkiye")]
ADMIN = {"email": "admin@invare.example", "firstName": "Invare", "lastName": "Admin"}
PEOPLE = [
    ("buyer", {"email": "buyer@invare.example", "firstName": "Ada", "lastName": "Lovelace", "phone": "+966500000001"}, {}),
    ("seller (company owner)", {"email": "seller@invare.example", "firstName": "Grace", "lastName": "Hopper",
                                "phone": "+966500000002"}, {}),
    ("carrier", {"email": "carrier@invare.example", "firstName": "John", "lastName": "Doe",
                 "phone": "+966500000003"}, {"is_carrier": True}),
]
COMPANY = {"companyName": "Acme Recycling", "vatNumber": "SA300000000000003", "website": "acme-recycling.example"}


def seed(session, settings=None):
    """Countries, an administrator, a buyer, a seller with a verified company and a carrier; nothing
    when the database already has users. Returns (role, e-mail, how to sign in) per account."""
    if session.scalars(select(User.id).limit(1)).first() is not None:
        return []
    by_code = {}
    for code, name in COUNTRIES:
        country = Country(country_code=code, country_name=name)
        session.add(country)
        by_code[code] = country
    session.flush()
    saudi = str(by_code["SA"].id)
    admin = users.create_user(session, data={**ADMIN, "countryId": saudi}, is_admin=True)
    accounts = [("administrator", admin.email, SIGN_IN)]
    made = {}
    for role, data, flags in PEOPLE:
        made[role] = users.create_user(session, data={**data, "countryId": saudi}, **flags)
        accounts.append((role, made[role].email, SIGN_IN))
    companies.create_company(session, owner=made["seller (company owner)"], data={**COMPANY, "countryId": saudi},
                             verified=True)
    return accounts


def create_admin(session, username, email, password=None):
    """``create-admin invare``: an administrator with ``email`` (``username`` becomes the first name).
    The password is not stored: Invare accounts sign in with an e-mailed one-time code."""
    return users.make_admin(session, email=email, first_name=username)
