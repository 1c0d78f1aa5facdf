"""Write transactions: a busy database answers 503 with Retry-After in Looking's format (never 500),
bcrypt runs outside every write transaction, and the reset mail is sent after the commit."""
import re
from types import SimpleNamespace

import pytest

import server.products.looking as looking_product
from server.products.looking import PRODUCT, issue_token
from tests.write_checks import spying_on_bcrypt, write_lock_held_elsewhere


@pytest.fixture
def bcrypt_spy(monkeypatch):
    with spying_on_bcrypt(monkeypatch) as spy:
        yield spy


NEW_USER = {"username": "newuser", "password": "password123", "confirmPassword": "password123",
            "name": {"first": "Jane", "last": "Smith"}, "email": "jane@example.com", "can": ["view"]}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class TestBusyDatabase:
    def test_write_that_cannot_get_the_lock_is_503_with_retry_after(self, client, looking, monkeypatch):
        # The token's account is read on every request; creating it here would take the write lock
        # in the test's own transaction, so the account check answers for a holder with no row.
        holder = SimpleNamespace(username="root", can=["super"], force_reset=False, token_version=0)
        monkeypatch.setattr(looking_product, "_token_state", lambda uid: holder)
        headers = bearer(issue_token({"uid": "0" * 24, "username": "root", "can": ["super"]}))
        with write_lock_held_elsewhere(looking, "users"):
            response = client.post("/users", json=NEW_USER, headers=headers)
        assert response.status_code == 503
        assert response.json() == {"message": "The service is temporarily unavailable; please retry shortly.",
                                   "err": {"code": "SERVICE_UNAVAILABLE", "details": {"retryAfter": 1}}}
        assert response.headers["Retry-After"] == "1"


class TestPasswordHashingOutsideTransactions:
    def test_login(self, client, make, bcrypt_spy):
        make.user(username="someone", password="password123")
        bcrypt_spy.reset()
        assert client.post("/auth/login", json={"username": "someone", "password": "password123"}).status_code == 200
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (1, 0)

    def test_create_user(self, client, make, bcrypt_spy):
        headers = make.headers("super")
        bcrypt_spy.reset()
        assert client.post("/users", json=NEW_USER, headers=headers).status_code == 201
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (1, 0)

    def test_change_own_password(self, client, make, bcrypt_spy):
        user = make.user(password="oldPassword123")
        bcrypt_spy.reset()
        response = client.put(f"/users/{user.id}", headers=bearer(make.token(user)), json={
            "password": "newPassword123", "confirmPassword": "newPassword123", "currentPassword": "oldPassword123"})
        assert response.status_code == 200
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (2, 0)

    def test_wrong_current_password_is_still_refused(self, client, make):
        user = make.user(password="oldPassword123")
        response = client.put(f"/users/{user.id}", headers=bearer(make.token(user)), json={
            "password": "newPassword123", "confirmPassword": "newPassword123", "currentPassword": "wrongPassword1"})
        assert response.status_code == 400
        assert response.json()["err"]["code"] == "INVALID_CURRENT_PASSWORD"

    def test_reset_password(self, client, make, bcrypt_spy):
        make.user(username="forgetful", password="old-password")
        client.post("/auth/reset", json={"username": "forgetful"})
        user_id, token = re.search(r"/auth/reset/([0-9a-f]{24})/([0-9a-f]+)",
                                   PRODUCT.runtime.mailer.outbox[-1].text).groups()
        bcrypt_spy.reset()
        response = client.put(f"/auth/reset/{user_id}/{token}",
                              json={"password": "newPassword123", "confirmPassword": "newPassword123"})
        assert response.status_code == 200
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (1, 0)


class TestResetMailAfterCommit:
    def test_mail_is_sent_outside_the_write_transaction(self, client, make, bcrypt_spy, monkeypatch):
        make.user(username="forgetful", email="forgetful@example.com")
        sent_inside = []
        real_send = PRODUCT.runtime.mailer.send
        monkeypatch.setattr(PRODUCT.runtime.mailer, "send",
                            lambda **mail: (sent_inside.append(bool(bcrypt_spy.open_writes)), real_send(**mail)))
        assert client.post("/auth/reset", json={"username": "forgetful"}).status_code == 200
        assert sent_inside == [False]


class TestGeocoderOutsideTransactions:
    def test_populate_asks_the_geocoder_outside_the_write_transaction(self, client, make, bcrypt_spy, monkeypatch):
        make.profile(location="Chicago, IL")
        asked = []
        real = PRODUCT.runtime.geocoder

        class Spy:
            def geocode(self, query):
                asked.append((query, bool(bcrypt_spy.open_writes)))
                return real.geocode(query)

        monkeypatch.setattr(PRODUCT.runtime, "geocoder", Spy())
        response = client.get("/geocache/populate/location", headers=make.headers("super"))
        assert (response.status_code, response.json()["count"]) == (200, 1)
        assert asked == [("Chicago, IL", False)]
