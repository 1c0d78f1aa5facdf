"""Invare fixtures, for every Invare test module (each area's tests use them as they are):

- ``invare``: the product's app on its migrated database, inside a transaction rolled back after the
  test; ``client``: its test client.
- ``make``: a :class:`Factory` making rows through the real model code (``make.user()``,
  ``make.admin()``, ``make.carrier()``, ``make.country()``, ``make.company(owner)``), and bearer headers
  for any user (``make.headers(user)``).
- Signed-in accounts, each a :class:`Member` (``.user``, ``.id`` (str), ``.token``, ``.headers``):
  ``member`` (a plain user), ``other_member`` (another plain user, for "someone else's object"),
  ``admin`` (``isAdmin``), ``carrier`` (``isCarrier``).
- ``mail``: what the app mailed (the development outbox): ``mail.latest(email)`` -> Message(to, subject,
  text); ``otp_code(mail, email)`` pulls the 6-digit code from the newest mail to ``email``;
  ``sign_in(client, mail, email)`` does the whole request-otp + login over HTTP and returns the body.
- ``user_json(user)``: the documented ``User`` object for a user, spelled out field by field.
"""
import itertools
import re
from dataclasses import dataclass

import pytest

from contracts.mailbox import Outbox
from handlers.fields import iso_z
from models.invare import companies, database, users
from models.invare.countries import Country
from server.products.invare import PRODUCT, issue_token

_serial = itertools.count(1)


def unique(prefix):
    return f"{prefix}{next(_serial)}"


@dataclass(frozen=True)
class Member:
    user: object
    token: str

    @property
    def id(self):
        return str(self.user.id)

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}


class Factory:
    """Rows made through the real model code, each in its own committed unit of work."""

    def user(self, *, is_admin=False, is_carrier=False, **fields):
        data = {"email": f"{unique('user')}@example.com", "firstName": "Ada", "lastName": "Lovelace", **fields}
        with database.unit_of_work() as uow:
            user = users.create_user(uow.session, data=data, is_admin=is_admin, is_carrier=is_carrier)
            _ = user.country  # loaded while the session is open
            uow.commit()
        return user

    def admin(self, **fields):
        return self.user(is_admin=True, firstName="Invare", lastName="Admin", **fields)

    def carrier(self, **fields):
        return self.user(is_carrier=True, firstName="John", lastName="Doe", **fields)

    def member(self, user=None, **fields):
        user = user or self.user(**fields)
        return Member(user, issue_token(user))

    def headers(self, user):
        return {"Authorization": f"Bearer {issue_token(user)}"}

    def country(self, code=None, name="Saudi Arabia"):
        with database.unit_of_work() as uow:
            country = Country(country_code=code or unique("C"), country_name=name)
            uow.session.add(country)
            uow.commit()
        return country

    def company(self, owner, *, verified=False, **fields):
        with database.unit_of_work() as uow:
            company = companies.create_company(uow.session, owner=users.get_user(uow.session, owner.id),
                                               data={"companyName": unique("Acme "), **fields}, verified=verified)
            uow.commit()
        return company

    def set_status(self, user, status):
        with database.unit_of_work() as uow:
            users.get_user(uow.session, user.id).account_status = status
            uow.commit()

    def reload(self, user):
        with database.reading() as session:
            return users.get_user(session, user.id)


@pytest.fixture
def invare(product_under_test):
    put = product_under_test("invare")
    put.begin()
    PRODUCT.runtime.mailer.outbox.clear()
    yield put
    put.end()


@pytest.fixture
def client(invare):
    return invare.client()


@pytest.fixture
def make(invare):
    return Factory()


@pytest.fixture
def member(make):
    return make.member()


@pytest.fixture
def other_member(make):
    return make.member(firstName="Grace", lastName="Hopper")


@pytest.fixture
def admin(make):
    return make.member(make.admin())


@pytest.fixture
def carrier(make):
    return make.member(make.carrier())


@pytest.fixture
def mail(invare):
    return Outbox(PRODUCT.runtime.mailer)


def otp_code(mail, email):
    return re.search(r"\b([0-9]{6})\b", mail.latest(email).text).group(1)


def sign_in(client, mail, email):
    """request-otp, read the code, login: the login's JSON body."""
    assert client.post("/auth/request-otp", json={"email": email}).status_code == 200
    response = client.post("/auth/login", json={"email": email, "otp": otp_code(mail, email)})
    assert response.status_code == 200, response.text
    return response.json()


def user_json(user, **changes):
    country = user.country
    body = {
        "id": str(user.id), "email": user.email, "firstName": user.first_name, "lastName": user.last_name,
        "phone": user.phone, "accountStatus": user.account_status, "subscriptionTier": user.subscription_tier,
        "countryId": str(user.country_id) if user.country_id else None,
        "country": ({"id": str(country.id), "countryCode": country.country_code, "countryName": country.country_name}
                    if country else None),
        "isAdmin": user.is_admin, "isCarrier": user.is_carrier, "googleId": user.google_id,
        "registerType": user.register_type, "avatar": user.avatar, "pointsBalance": "0.00", "frozenPoints": "0.00",
        "createdAt": iso_z(user.created_at), "updatedAt": iso_z(user.updated_at),
    }
    body.update(changes)
    return body


def error(status, message, reason, details=None):
    """The documented error body; ``messageKey`` by the reference's rules."""
    key = "errors." + re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    body = {"statusCode": status, "message": message, "messageKey": key, "error": reason}
    if details is not None:
        body["details"] = details
    return body


def invalid(*messages):
    """The documented 400 for invalid input."""
    return {"statusCode": 400, "message": list(messages), "messageKey": "errors.validation_failed",
            "error": "Bad Request", "details": list(messages)}


POSITIVE_AMOUNT = r"^(0{0,11}[1-9][0-9]{0,11}(\.[0-9]{1,2})?|0{1,12}\.(0[1-9]|[1-9][0-9]?))$"
"""The spec's pattern for an amount above 0 with at most two decimals (bids, wallet credits)."""
