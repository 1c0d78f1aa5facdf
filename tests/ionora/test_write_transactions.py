"""Write transactions: a busy database answers 503 with Retry-After (never 500), bcrypt runs outside
every write transaction, and nothing after a commit can turn a committed write into a failure."""
import pytest
from sqlalchemy import select

from models.ionora import database, password_reset
from models.ionora.entities import CartItem
from tests.ionora.conftest import PASSWORD, bearer
from tests.write_checks import (
    database_fails_after_commit,
    spying_on_bcrypt,
    write_lock_held_elsewhere,
)


@pytest.fixture
def bcrypt_spy(monkeypatch):
    with spying_on_bcrypt(monkeypatch) as spy:
        yield spy


UNAVAILABLE = {"message": "The service is temporarily unavailable; please retry shortly."}
REGISTRATION = {"email": "newcomer@example.com", "password": "Password123", "full_name": "New Comer"}


class TestBusyDatabase:
    def test_write_that_cannot_get_the_lock_is_503_with_retry_after(self, client, ionora):
        with write_lock_held_elsewhere(ionora, "users"):
            response = client.post("/api/auth/register", json=REGISTRATION)
        assert (response.status_code, response.json()) == (503, UNAVAILABLE)
        assert response.headers["Retry-After"] == "1"

    def test_the_same_write_succeeds_once_the_lock_is_free(self, client, ionora):
        with write_lock_held_elsewhere(ionora, "users"):
            client.post("/api/auth/register", json=REGISTRATION)
        assert client.post("/api/auth/register", json=REGISTRATION).status_code == 201


class TestPasswordHashingOutsideTransactions:
    def test_register(self, client, bcrypt_spy):
        assert client.post("/api/auth/register", json=REGISTRATION).status_code == 201
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (1, 0)

    def test_login(self, client, make, bcrypt_spy):
        user = make.user()
        bcrypt_spy.reset()
        response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 200
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (1, 0)

    def test_change_password(self, client, make, bcrypt_spy):
        user = make.user()
        bcrypt_spy.reset()
        response = client.put("/api/auth/change-password", headers=bearer(user), json={
            "current_password": PASSWORD, "new_password": "NewPassword456"})
        assert response.status_code == 200
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (2, 0)

    def test_reset_password(self, client, make, bcrypt_spy):
        user = make.user()
        with database.unit_of_work() as uow:
            _, token = password_reset.request_reset(uow.session, email=user.email)
            uow.commit()
        bcrypt_spy.reset()
        response = client.post("/api/auth/reset-password", json={"token": token, "new_password": "NewPassword456"})
        assert response.status_code == 200
        assert (bcrypt_spy.calls, bcrypt_spy.inside) == (1, 0)


class TestNothingAfterCommit:
    def test_cart_add_answers_200_when_the_database_fails_after_its_commit(self, client, make, ionora, monkeypatch):
        user, product = make.user(), make.product(stock_quantity=5)
        with database_fails_after_commit(ionora, monkeypatch):
            response = client.post("/api/cart", headers=bearer(user), json={"product_id": str(product.id), "quantity": 2})
        assert response.status_code == 200
        assert [item["quantity"] for item in response.json()["items"]] == [2]
        with database.reading() as session:
            assert session.scalar(select(CartItem.quantity).where(CartItem.user_id == user.id)) == 2
