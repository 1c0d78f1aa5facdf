"""Looking fixtures: the app in a rolled-back transaction, users with chosen permissions, tokens."""
import itertools

import pytest

from models.looking import database, profiles, users
from server.products.looking import PRODUCT, issue_token

_serial = itertools.count(1)


@pytest.fixture
def looking(product_under_test):
    put = product_under_test("looking")
    put.begin()
    PRODUCT.runtime.mailer.outbox.clear()
    yield put
    put.end()


@pytest.fixture
def client(looking):
    return looking.client()


def unique(prefix):
    return f"{prefix}{next(_serial)}"


class Factory:
    """Creates rows through the real model code, each in its own committed unit of work."""

    def user(self, *, can=(), password="password123", username=None, email=None, first="Test", last="User"):
        username = username or unique("user")
        with database.unit_of_work() as uow:
            user = users.create_user(uow.session, username=username, password=password,
                                     name={"first": first, "last": last},
                                     email=email if email is not None else f"{username}@example.com", can=list(can))
            uow.commit()
        return user

    def token(self, user=None, *, can=None, **claims):
        user = user or self.user(can=can or ())
        payload = {"uid": user.id, "username": user.username, "can": list(user.can), **claims}
        return issue_token(payload)

    def headers(self, *can, **claims):
        user = self.user(can=can)
        return {"Authorization": f"Bearer {self.token(user, **claims)}"}

    def profile(self, *, approved=True, submitted=True, order=None, name=None, age=30, location="Chicago, IL",
                position=(), looking=(), tribes=(), ethnos=(), messages=None, pic=None):
        data = {
            "submitted": submitted, "approved": approved,
            "details": {"name": name or unique("Person"), "age": age, "location": location, "about": "A story.",
                        "position": list(position), "looking": list(looking), "tribes": list(tribes),
                        "ethnos": list(ethnos)},
            "messages": messages if messages is not None else [{"text": "Question?", "isUser": False},
                                                                {"text": "Answer.", "isUser": True}],
        }
        if pic is not None:
            data["details"]["pic"] = pic
        if order is not None:
            data["order"] = order
        with database.unit_of_work() as uow:
            profile = profiles.create(uow.session, data=data, images=PRODUCT.runtime.images)
            uow.commit()
        return profile


@pytest.fixture
def make(looking):
    return Factory()
