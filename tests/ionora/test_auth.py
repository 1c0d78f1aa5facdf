"""Registration, login, password reset and change (tag Auth)."""
import datetime as dt
import hashlib

import jwt
import pytest

from models.base import utcnow
from models.ionora import database
from models.ionora.entities import PasswordResetToken, User
from server import tokens
from server.products.ionora import PRODUCT
from tests.ionora.conftest import PASSWORD, bearer

USER_KEYS = {"id", "email", "full_name", "phone", "email_verified", "created_at", "updated_at", "last_login"}


def _token_hash(user_id):
    with database.unit_of_work() as uow:
        return uow.session.query(PasswordResetToken).filter_by(user_id=user_id).one().token_hash


class TestRegister:
    def test_creates_the_account_and_returns_a_token(self, client, outbox):
        body = {"email": " Jane@Example.com ".strip(), "password": "min8chars", "full_name": "Jane Doe",
                "phone": "9876543210"}
        response = client.post("/api/auth/register", json=body)
        assert response.status_code == 201
        data = response.json()
        user = data["user"]
        assert set(user) == USER_KEYS
        assert user["email"] == "jane@example.com"
        assert (user["full_name"], user["phone"], user["email_verified"], user["last_login"]) == (
            "Jane Doe", "9876543210", False, None)
        assert user["created_at"].endswith("Z") and len(user["created_at"]) == 24
        claims = tokens.decode(PRODUCT.runtime.settings.jwt_secret, data["token"])
        assert claims["sub"] == user["id"]
        assert claims["exp"] - claims["iat"] == 7 * 24 * 3600
        assert [m.subject for m in outbox] == ["Welcome to Ionora – Let’s Elevate Your Hydration"]

    def test_phone_is_optional(self, client):
        response = client.post("/api/auth/register",
                               json={"email": "nophone@example.com", "password": "Password123", "full_name": "J"})
        assert response.status_code == 201
        assert response.json()["user"]["phone"] is None

    def test_taken_email_is_409(self, client, make):
        make.user(email="taken@example.com")
        response = client.post("/api/auth/register",
                               json={"email": "TAKEN@example.com", "password": "Password123", "full_name": "J"})
        assert response.status_code == 409
        assert response.json() == {"message": "Email is already registered."}

    @pytest.mark.parametrize("body, param", [
        pytest.param({"password": "Password123", "full_name": "J"}, "email", id="missing email"),
        pytest.param({"email": "not-an-email", "password": "Password123", "full_name": "J"}, "email", id="bad email"),
        pytest.param({"email": "a@example.com", "password": "short", "full_name": "J"}, "password", id="short password"),
        pytest.param({"email": "a@example.com", "password": "Password123", "full_name": "  "}, "full_name", id="blank name"),
        pytest.param({"email": "a@example.com", "password": "Password123", "full_name": "J", "phone": "12"}, "phone",
                     id="short phone"),
        pytest.param({"email": "a@example.com", "password": "Password123", "full_name": "J", "is_admin": True},
                     "is_admin", id="unknown field"),
    ])
    def test_invalid_body_is_400_with_errors(self, client, body, param):
        response = client.post("/api/auth/register", json=body)
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert [e["param"] for e in errors] == [param]
        assert errors[0]["location"] == "body" and errors[0]["msg"]

    def test_empty_body_is_400(self, client):
        response = client.post("/api/auth/register", content=b"", headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json() == {"errors": [{"type": "field", "msg": "Request body is required", "path": None,
                                               "param": None, "location": "body"}]}


class TestLogin:
    def test_returns_user_and_token_and_records_the_login(self, client, make):
        user = make.user(email="login@example.com")
        response = client.post("/api/auth/login", json={"email": "Login@Example.com", "password": PASSWORD})
        assert response.status_code == 200
        data = response.json()
        assert data["user"]["id"] == str(user.id)
        assert data["user"]["last_login"] is None  # the previous login
        assert tokens.decode(PRODUCT.runtime.settings.jwt_secret, data["token"])["sub"] == str(user.id)
        second = client.post("/api/auth/login", json={"email": "login@example.com", "password": PASSWORD}).json()
        assert second["user"]["last_login"] is not None

    @pytest.mark.parametrize("email, password", [
        pytest.param("login2@example.com", "WrongPass1", id="wrong password"),
        pytest.param("nobody@example.com", PASSWORD, id="unknown email"),
    ])
    def test_bad_credentials_are_401(self, client, make, email, password):
        make.user(email="login2@example.com")
        response = client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 401
        assert response.json() == {"message": "Invalid email or password."}

    def test_missing_password_is_400(self, client):
        response = client.post("/api/auth/login", json={"email": "a@example.com"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == "password"


class TestForgotPassword:
    MESSAGE = {"message": "If that email exists, we have sent a reset link."}

    def test_mails_a_link_and_stores_only_the_hash(self, client, make, outbox):
        user = make.user(email="forgot@example.com")
        response = client.post("/api/auth/forgot-password", json={"email": "forgot@example.com"})
        assert response.status_code == 200
        assert response.json() == self.MESSAGE
        (mail,) = outbox
        assert mail.to == "forgot@example.com" and mail.subject == "Reset Your Password"
        token = mail.text.split("token=")[1].split("&")[0]
        assert _token_hash(user.id) == hashlib.sha256(token.encode()).hexdigest() != token

    def test_unknown_email_gets_the_same_answer_and_no_mail(self, client, outbox):
        response = client.post("/api/auth/forgot-password", json={"email": "ghost@example.com"})
        assert (response.status_code, response.json()) == (200, self.MESSAGE)
        assert outbox == []

    def test_a_new_request_revokes_the_old_token(self, client, make, outbox):
        make.user(email="twice@example.com")
        client.post("/api/auth/forgot-password", json={"email": "twice@example.com"})
        client.post("/api/auth/forgot-password", json={"email": "twice@example.com"})
        first, second = (m.text.split("token=")[1].split("&")[0] for m in outbox)
        assert client.post("/api/auth/reset-password", json={"token": first, "new_password": "NewPass123"}
                           ).status_code == 400
        assert client.post("/api/auth/reset-password", json={"token": second, "new_password": "NewPass123"}
                           ).status_code == 200

    def test_bad_email_is_400(self, client):
        assert client.post("/api/auth/forgot-password", json={"email": "nope"}).status_code == 400


class TestResetPassword:
    def _token(self, client, outbox, email):
        client.post("/api/auth/forgot-password", json={"email": email})
        return outbox[-1].text.split("token=")[1].split("&")[0]

    def test_sets_the_password_once(self, client, make, outbox):
        make.user(email="reset@example.com")
        token = self._token(client, outbox, "reset@example.com")
        response = client.post("/api/auth/reset-password", json={"token": token, "new_password": "NewPass123"})
        assert (response.status_code, response.json()) == (200, {"message": "Password has been reset successfully."})
        assert client.post("/api/auth/login", json={"email": "reset@example.com", "password": "NewPass123"}
                           ).status_code == 200
        again = client.post("/api/auth/reset-password", json={"token": token, "new_password": "Other1234"})
        assert (again.status_code, again.json()) == (400, {"message": "Invalid or expired reset token."})

    def test_expired_token_is_400(self, client, make, outbox):
        user = make.user(email="expired@example.com")
        token = self._token(client, outbox, "expired@example.com")
        with database.unit_of_work() as uow:
            row = uow.session.query(PasswordResetToken).filter_by(user_id=user.id).one()
            row.expires_at = utcnow() - dt.timedelta(seconds=1)
            uow.commit()
        response = client.post("/api/auth/reset-password", json={"token": token, "new_password": "NewPass123"})
        assert (response.status_code, response.json()) == (400, {"message": "Invalid or expired reset token."})

    def test_unknown_token_is_400(self, client):
        response = client.post("/api/auth/reset-password", json={"token": "abc", "new_password": "NewPass123"})
        assert (response.status_code, response.json()) == (400, {"message": "Invalid or expired reset token."})

    def test_short_password_is_400(self, client):
        response = client.post("/api/auth/reset-password", json={"token": "abc", "new_password": "short"})
        assert response.json()["errors"][0]["param"] == "new_password"


class TestChangePassword:
    def test_changes_the_password(self, client, make):
        user = make.user(email="change@example.com")
        response = client.put("/api/auth/change-password", headers=bearer(user),
                               json={"current_password": PASSWORD, "new_password": "NewPass123"})
        assert (response.status_code, response.json()) == (200, {"message": "Password updated successfully."})
        assert client.post("/api/auth/login", json={"email": "change@example.com", "password": "NewPass123"}
                           ).status_code == 200

    def test_wrong_current_password_is_401(self, client, make):
        response = client.put("/api/auth/change-password", headers=make.headers(),
                              json={"current_password": "Wrong1234", "new_password": "NewPass123"})
        assert (response.status_code, response.json()) == (401, {"message": "Current password is incorrect."})

    def test_short_new_password_is_400(self, client, make):
        response = client.put("/api/auth/change-password", headers=make.headers(),
                              json={"current_password": PASSWORD, "new_password": "short"})
        assert response.json()["errors"][0]["param"] == "new_password"

    def test_no_token_is_401(self, client):
        response = client.put("/api/auth/change-password", json={"current_password": "x", "new_password": "y" * 8})
        assert (response.status_code, response.json()) == (401, {"message": "Authentication token missing."})

    def test_deleted_account_is_403(self, client, make):
        user = make.user()
        headers = bearer(user)
        with database.unit_of_work() as uow:
            uow.session.delete(uow.session.get(User, user.id))
            uow.commit()
        response = client.put("/api/auth/change-password", headers=headers,
                              json={"current_password": PASSWORD, "new_password": "NewPass123"})
        assert (response.status_code, response.json()) == (403, {"message": "User not found."})


class TestBearerTokens:
    """How every protected operation treats tokens (shown on GET /user/profile)."""

    def test_expired_token_is_401(self, client, make):
        user = make.user()
        token, _ = tokens.issue(PRODUCT.runtime.settings.jwt_secret, {"sub": str(user.id)}, dt.timedelta(seconds=-5))
        response = client.get("/api/user/profile", headers={"Authorization": f"Bearer {token}"})
        assert (response.status_code, response.json()) == (401, {"message": "Token has expired."})

    def test_forged_token_is_401(self, client, make):
        user = make.user()
        token = jwt.encode({"sub": str(user.id), "iat": 1, "exp": 4102444800}, "another-secret" * 4, algorithm="HS256")
        response = client.get("/api/user/profile", headers={"Authorization": f"Bearer {token}"})
        assert (response.status_code, response.json()) == (401, {"message": "Invalid token."})

    def test_token_without_subject_is_401(self, client):
        token, _ = tokens.issue(PRODUCT.runtime.settings.jwt_secret, {"uid": "x"}, dt.timedelta(minutes=5))
        response = client.get("/api/user/profile", headers={"Authorization": f"Bearer {token}"})
        assert (response.status_code, response.json()) == (401, {"message": "Invalid token payload."})

    def test_non_bearer_scheme_is_401(self, client):
        response = client.get("/api/user/profile", headers={"Authorization": "Basic abc"})
        assert response.status_code == 401
        assert response.json()["message"] in ("Authentication token missing.", "Invalid token.")


class TestTokensAfterPasswordChanges:
    """A password change or reset revokes every token issued before it (a 7-day token would
    otherwise outlive it by a week); the account is read on every request."""

    def _login(self, client, email, password=PASSWORD):
        token = client.post("/api/auth/login", json={"email": email, "password": password}).json()["token"]
        return {"Authorization": f"Bearer {token}"}

    def test_change_password_revokes_older_tokens(self, client, make):
        make.user(email="changer@example.com")
        old, other_device = self._login(client, "changer@example.com"), self._login(client, "changer@example.com")
        changed = client.put("/api/auth/change-password", headers=old,
                             json={"current_password": PASSWORD, "new_password": "NewPass123"})
        assert changed.status_code == 200
        for headers in (old, other_device):
            response = client.get("/api/user/profile", headers=headers)
            assert (response.status_code, response.json()) == (401, {"message": "Invalid token."})
        fresh = self._login(client, "changer@example.com", "NewPass123")
        assert client.get("/api/user/profile", headers=fresh).status_code == 200

    def test_reset_password_revokes_older_tokens(self, client, make, outbox):
        make.user(email="resetter@example.com")
        old = self._login(client, "resetter@example.com")
        client.post("/api/auth/forgot-password", json={"email": "resetter@example.com"})
        token = outbox[-1].text.split("token=")[1].split("&")[0]
        assert client.post("/api/auth/reset-password", json={"token": token, "new_password": "NewPass123"}
                           ).status_code == 200
        response = client.get("/api/user/profile", headers=old)
        assert (response.status_code, response.json()) == (401, {"message": "Invalid token."})
        assert client.get("/api/user/profile", headers=self._login(client, "resetter@example.com", "NewPass123")
                          ).status_code == 200

    def test_tokens_issued_after_the_change_work(self, client, make):
        user = make.user(email="after@example.com")
        client.put("/api/auth/change-password", headers=bearer(user),
                   json={"current_password": PASSWORD, "new_password": "NewPass123"})
        claims = jwt.decode(self._login(client, "after@example.com", "NewPass123")["Authorization"][7:],
                            options={"verify_signature": False})
        assert (claims["sub"], claims["ver"]) == (str(user.id), 1)

    def test_deleted_account_is_refused_everywhere(self, client, make):
        user = make.user()
        headers = bearer(user)
        with database.unit_of_work() as uow:
            uow.session.delete(uow.session.get(User, user.id))
            uow.commit()
        response = client.get("/api/user/profile", headers=headers)
        assert (response.status_code, response.json()) == (403, {"message": "User not found."})

    def test_revoked_admin_loses_admin_operations_at_once(self, client, make):
        admin = make.admin()
        headers = bearer(admin)
        assert client.get("/api/admin/orders", headers=headers).status_code == 200
        with database.unit_of_work() as uow:
            uow.session.get(User, admin.id).is_admin = False
            uow.commit()
        response = client.get("/api/admin/orders", headers=headers)
        assert (response.status_code, response.json()) == (403, {"message": "Forbidden: admin access required."})
