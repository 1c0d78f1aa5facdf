"""Diora fixtures, for every Diora area's tests.

- ``diora``: the app on its migrated database, inside a transaction rolled back after the test.
- ``client``: the app's test client (``client.get("/api/user/me", headers=make.headers(user))``).
- ``make``: a :class:`Factory` making rows through the real model code:
  ``make.user()``, ``make.shop()``, ``make.admin()`` (each ``(**fields)``: ``username``, ``email``,
  ``password``, ``full_name``, ...), ``make.headers(user)`` / ``make.token(user)`` (bearer),
  ``make.follow(a, b)``, ``make.suspend(user, days=7)``, ``make.ban(user)``, ``make.reload(user)``,
  ``make.notifications(user)``; an area adds its own makers (posts, products, ...) here.
- ``published``: ``published()`` lists the realtime events the operations published so far,
  ``[(user ids, event, payload)]`` (through the Socket.IO hub's recorder once Diora has one).
- ``png()`` / ``jpeg()``: small valid images for multipart uploads.
"""
import datetime as dt
import io
import itertools

import pytest
from PIL import Image
from sqlalchemy import select

from models.base import utcnow
from models.diora import database, follows, users
from models.diora.tables.notifications import Notification
from models.diora.tables.users import User
from models.passwords import hash_password
from server.products.diora import PRODUCT, issue_token
from server.realtime import user_room

_serial = itertools.count(1)
PASSWORD = "Password123"
_HASH = {}


@pytest.fixture
def diora(product_under_test):
    put = product_under_test("diora")
    put.begin()
    yield put
    put.end()


@pytest.fixture
def client(diora):
    return diora.client()


class StandInHub:
    """Records emits the way ``server.realtime.Hub.recording()`` does, while Diora has no hub."""

    def __init__(self):
        self.sent = []

    def emit(self, event, payload, *, to_users=(), room=None, **_options):
        self.sent.append((event, payload, [user_room(u) for u in to_users] + ([room] if room else [])))


@pytest.fixture
def published(diora):
    """``published()``: what the operations published so far, ``[(user ids, event, payload)]``."""
    hub = PRODUCT.runtime.realtime
    if hub is not None:
        with hub.recording() as sent:
            yield lambda: _by_user(sent)
        return
    PRODUCT.runtime.realtime = stand_in = StandInHub()
    try:
        yield lambda: _by_user(stand_in.sent)
    finally:
        PRODUCT.runtime.realtime = None


def _by_user(sent):
    return [([room.removeprefix("user:") for room in rooms or ()], event, payload) for event, payload, rooms in sent]


def unique(prefix):
    return f"{prefix}{next(_serial)}"


def password_hash(password):
    if password not in _HASH:
        _HASH[password] = hash_password(password)
    return _HASH[password]


def bearer(user):
    return {"Authorization": f"Bearer {issue_token(user.id)}"}


class Factory:
    """Rows made through the real model code, each in its own committed unit of work."""

    def user(self, *, type="user", username=None, email=None, password=PASSWORD, full_name="Jane Doe", **fields):
        username = username or unique(type)
        with database.unit_of_work() as uow:
            user = users.create_account(uow.session, email=email or f"{username}@example.com", username=username,
                                        full_name=full_name, password_hash=password_hash(password), type=type)
            for name, value in fields.items():
                setattr(user, name, value)
            uow.commit()
        return user

    def shop(self, **fields):
        return self.user(type="shop", full_name=fields.pop("full_name", "Urban Threads"), **fields)

    def admin(self, **fields):
        return self.user(type="admin", full_name=fields.pop("full_name", "Ada Admin"), **fields)

    def token(self, user):
        return issue_token(user.id)

    def headers(self, user=None, **fields):
        return bearer(user or self.user(**fields))

    def follow(self, follower, target):
        with database.unit_of_work() as uow:
            follows.toggle_follow(uow.session, follower_id=follower.id, target_id=target.id, viewer_is_admin=True)
            uow.commit()

    def suspend(self, user, *, days=7, reason="Spam"):
        until = None if days is None else utcnow() + dt.timedelta(days=days)
        return self.set(user, status="suspended", suspended_until=until, suspension_reason=reason)

    def ban(self, user, *, reason="Hate speech"):
        return self.set(user, status="banned", ban_reason=reason, banned_at=utcnow())

    def set(self, user, **fields):
        with database.unit_of_work() as uow:
            row = users.get_user(uow.session, user.id, lock=True)
            for name, value in fields.items():
                setattr(row, name, value)
            uow.commit()
        return row

    def reload(self, user):
        with database.reading() as session:
            return session.get(User, user.id)

    def notifications(self, user):
        with database.reading() as session:
            return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                        .order_by(Notification.updated_at.desc())))


@pytest.fixture
def make(diora):
    return Factory()


def png(size=(4, 3), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg(size=(4, 3)):
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def error(message, code=None, **extra):
    """Diora's error body."""
    body = {"status": False, "message": message}
    if code:
        body["code"] = code
    body.update(extra)
    return body
