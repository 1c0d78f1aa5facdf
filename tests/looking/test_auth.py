"""Login, logout, sessions and password reset."""
import datetime as dt
import re

import jwt
import pytest

from server.products.looking import PRODUCT
from tests.conftest import JWT_SECRET

NO_TOKEN = {"message": "No authorization token provided", "err": None}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class TestLogin:
    def test_success_returns_documented_body_and_a_15_minute_token(self, client, make):
        user = make.user(username="admin", password="password123", first="John", last="Doe",
                         email="admin@example.com", can=["view", "manage"])
        response = client.post("/auth/login", json={"username": "admin", "password": "password123"})
        assert response.status_code == 200
        body = response.json()
        token = body.pop("token")
        assert body == {
            "status": 200, "authorized": True,
            "user": {"id": user.id, "username": "admin", "name": {"first": "John", "last": "Doe"},
                     "email": "admin@example.com", "can": ["view", "manage"], "forceReset": False},
        }
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
        assert {k: claims[k] for k in ("uid", "username", "can")} == {
            "uid": user.id, "username": "admin", "can": ["view", "manage"]}
        assert claims["exp"] - claims["iat"] == 15 * 60

    @pytest.mark.parametrize("username,password", [
        pytest.param("admin", "wrong-password", id="wrong password"),
        pytest.param("nobody", "password123", id="unknown user"),
    ])
    def test_bad_credentials_are_401(self, client, make, username, password):
        make.user(username="admin", password="password123")
        response = client.post("/auth/login", json={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json() == {"status": 401, "authorized": False, "message": "Invalid username or password"}

    @pytest.mark.parametrize("body,field", [
        pytest.param({"password": "x"}, "username", id="missing username"),
        pytest.param({"username": "admin"}, "password", id="missing password"),
        pytest.param({"username": 5, "password": "x"}, "username", id="username not a string"),
        pytest.param({"username": "a", "password": "x", "extra": 1}, "extra", id="unknown field"),
    ])
    def test_invalid_body_is_400_naming_the_field(self, client, body, field):
        response = client.post("/auth/login", json=body)
        assert response.status_code == 400
        err = response.json()["err"]
        assert err["code"] == "VALIDATION_ERROR"
        assert field in [d["field"] for d in err["details"]]

    def test_malformed_json_is_400(self, client):
        response = client.post("/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json()["message"].startswith("Malformed JSON")


class TestLogout:
    def test_with_token(self, client, make):
        response = client.post("/auth/logout", headers=make.headers())
        assert response.status_code == 200
        assert response.json() == {"message": "Logged out successfully"}

    def test_without_token_is_401(self, client):
        response = client.post("/auth/logout")
        assert response.status_code == 401
        assert response.json() == NO_TOKEN


class TestGetSession:
    def test_valid_token_is_decoded(self, client, make):
        user = make.user(can=["view"])
        token = make.token(user)
        response = client.get("/auth/session", headers=bearer(token))
        assert response.status_code == 200
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
        assert response.json() == {"valid": True, "decoded": {
            "uid": user.id, "username": user.username, "can": ["view"], "iat": claims["iat"], "exp": claims["exp"]}}

    @pytest.mark.parametrize("headers", [
        pytest.param({}, id="no token"),
        pytest.param(bearer("not.a.jwt"), id="garbage"),
        pytest.param(bearer(jwt.encode({"uid": "x", "iat": 1, "exp": 2}, JWT_SECRET)), id="expired"),
        pytest.param(bearer(jwt.encode({"uid": "x", "iat": 1, "exp": 9999999999}, "other" * 10)), id="wrong secret"),
    ])
    def test_invalid_is_401_with_documented_body(self, client, headers):
        response = client.get("/auth/session", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"valid": False, "message": "Token expired or invalid"}


class TestCreateAnonymousSession:
    def test_issues_an_anonymous_token_without_permissions(self, client):
        response = client.post("/auth/session")
        assert response.status_code == 200
        body = response.json()
        assert {k: body[k] for k in ("status", "authorized")} == {"status": 200, "authorized": False}
        claims = jwt.decode(body["token"], JWT_SECRET, algorithms=["HS256"])
        assert (claims["uid"], claims["can"], claims["anonymous"]) == (None, [], True)

    def test_anonymous_token_cannot_see_submissions(self, client, make):
        token = client.post("/auth/session").json()["token"]
        response = client.get("/profiles/submitted", headers=bearer(token))
        assert response.status_code == 403
        assert response.json() == {"message": "User not authorized to perform this action",
                                   "err": {"name": "PermissionError", "message": "requires the 'view' permission"}}

    def test_anonymous_token_reads_approved_profiles(self, client, make):
        profile = make.profile(approved=True)
        hidden = make.profile(approved=False)
        token = client.post("/auth/session").json()["token"]
        assert client.get(f"/profiles/{profile.id}", headers=bearer(token)).status_code == 200
        assert client.get(f"/profiles/{hidden.id}", headers=bearer(token)).status_code == 404


class TestRefreshSession:
    def test_user_token_is_renewed_with_current_permissions(self, client, make):
        user = make.user(can=["view"])
        old = make.token(user)
        from models.looking import database, users
        with database.unit_of_work() as uow:
            users.update_user(uow.session, user_id=user.id, actor_id="0" * 24, actor_can=["super"],
                              changes={"can": ["view", "manage"]})
            uow.commit()
        response = client.put("/auth/session", headers=bearer(old))
        assert response.status_code == 200
        body = response.json()
        assert body["expiresIn"] == "15m"
        assert jwt.decode(body["token"], JWT_SECRET, algorithms=["HS256"])["can"] == ["view", "manage"]

    def test_anonymous_token_stays_anonymous(self, client):
        token = client.post("/auth/session").json()["token"]
        body = client.put("/auth/session", headers=bearer(token)).json()
        assert jwt.decode(body["token"], JWT_SECRET, algorithms=["HS256"])["anonymous"] is True

    def test_deleted_user_cannot_renew(self, client, make):
        user = make.user()
        token = make.token(user)
        admin = make.headers("super")
        assert client.delete(f"/users/{user.id}", headers=admin).status_code == 200
        response = client.put("/auth/session", headers=bearer(token))
        assert response.status_code == 401
        assert response.json() == {"message": "This account no longer exists",
                                   "err": {"code": "ACCOUNT_GONE", "details": None}}

    def test_expired_token_is_403_with_jwt_error(self, client):
        expired = jwt.encode({"uid": "a" * 24, "iat": 1, "exp": 2}, JWT_SECRET)
        response = client.put("/auth/session", headers=bearer(expired))
        assert response.status_code == 403
        assert response.json() == {"message": "User not authorized to perform this action", "err": {
            "name": "TokenExpiredError", "message": "jwt expired", "expiredAt": "1970-01-01T00:00:02.000Z"}}

    def test_bad_signature_is_403(self, client):
        forged = jwt.encode({"uid": "a" * 24, "iat": 1, "exp": 9999999999}, "x" * 40)
        response = client.put("/auth/session", headers=bearer(forged))
        assert response.status_code == 403
        assert response.json() == {"message": "User not authorized to perform this action",
                                   "err": {"name": "JsonWebTokenError", "message": "invalid signature"}}

    def test_missing_token_is_401(self, client):
        response = client.put("/auth/session")
        assert response.status_code == 401
        assert response.json() == NO_TOKEN


def _reset_link(mail):
    match = re.search(r"/auth/reset/([0-9a-f]{24})/([0-9a-f]+)", mail.text)
    return match.group(1), match.group(2)


class TestRequestPasswordReset:
    def test_mails_a_link_and_masks_the_address(self, client, make):
        user = make.user(username="admin", email="admin@example.com")
        response = client.post("/auth/reset", json={"username": "admin"})
        assert response.status_code == 200
        assert response.json() == {"message": "Password reset email sent", "email": "ad***@example.com"}
        [mail] = PRODUCT.runtime.mailer.outbox
        assert mail.to == "admin@example.com"
        assert _reset_link(mail)[0] == user.id

    def test_unknown_username_is_404(self, client):
        response = client.post("/auth/reset", json={"username": "ghost"})
        assert response.status_code == 404
        assert response.json() == {"message": "No user with that username", "err": {
            "code": "NOT_FOUND", "details": [{"field": "username", "message": "No user with that username"}]}}
        assert PRODUCT.runtime.mailer.outbox == []

    def test_missing_username_is_400(self, client):
        assert client.post("/auth/reset", json={}).status_code == 400


class TestCheckPasswordReset:
    def test_live_token_is_valid(self, client, make):
        user = make.user(username="admin")
        client.post("/auth/reset", json={"username": "admin"})
        user_id, token = _reset_link(PRODUCT.runtime.mailer.outbox[-1])
        response = client.get(f"/auth/reset/{user_id}/{token}")
        assert response.status_code == 200
        body = response.json()
        assert (body["valid"], body["userId"]) == (True, user.id)
        expires = dt.datetime.fromisoformat(body["expires"].replace("Z", "+00:00"))
        assert dt.timedelta(minutes=59) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(hours=1)

    def test_unknown_token_is_400(self, client, make):
        user = make.user()
        response = client.get(f"/auth/reset/{user.id}/abcdef123456")
        assert response.status_code == 400
        assert response.json() == {"message": "Password reset token is invalid or has expired", "err": {
            "code": "INVALID_RESET_TOKEN",
            "details": [{"field": "token", "message": "Password reset token is invalid or has expired"}]}}


class TestResetPassword:
    def _token(self, client, make):
        make.user(username="admin", password="old-password")
        client.post("/auth/reset", json={"username": "admin"})
        return _reset_link(PRODUCT.runtime.mailer.outbox[-1])

    def test_sets_the_password_once(self, client, make):
        user_id, token = self._token(client, make)
        response = client.put(f"/auth/reset/{user_id}/{token}",
                              json={"password": "newPassword123", "confirmPassword": "newPassword123"})
        assert response.status_code == 200
        assert response.json() == {"message": "Password updated successfully", "success": True}
        assert client.post("/auth/login", json={"username": "admin", "password": "newPassword123"}).status_code == 200
        assert client.post("/auth/login", json={"username": "admin", "password": "old-password"}).status_code == 401
        again = client.put(f"/auth/reset/{user_id}/{token}",
                           json={"password": "another-one1", "confirmPassword": "another-one1"})
        assert again.status_code == 400

    def test_mismatch_is_the_documented_error_and_keeps_the_token(self, client, make):
        user_id, token = self._token(client, make)
        response = client.put(f"/auth/reset/{user_id}/{token}",
                              json={"password": "newPassword123", "confirmPassword": "different123"})
        assert response.status_code == 400
        assert response.json() == {
            "success": False, "message": "There was an error saving the updated password.",
            "err": {"code": "PASSWORD_MISMATCH", "details": "confirmPassword does not match password"}}
        assert client.get(f"/auth/reset/{user_id}/{token}").status_code == 200

    def test_short_password_is_400(self, client, make):
        user_id, token = self._token(client, make)
        response = client.put(f"/auth/reset/{user_id}/{token}", json={"password": "short", "confirmPassword": "short"})
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "password"


REVOKED = {"message": "User not authorized to perform this action", "err": {
    "name": "JsonWebTokenError", "message": "jwt revoked: the password was changed after it was issued"}}
ACCOUNT_GONE = {"message": "This account no longer exists", "err": {"code": "ACCOUNT_GONE", "details": None}}


class TestStaleAuthority:
    """A token is checked against its account on every request: what the user lost stops working."""

    def _login(self, client, make, *, can, password="password123"):
        user = make.user(can=can, password=password)
        body = client.post("/auth/login", json={"username": user.username, "password": password}).json()
        return user, bearer(body["token"])

    def test_demoted_user_loses_the_permission_at_once(self, client, make):
        user, headers = self._login(client, make, can=["view", "manage"])
        profile = make.profile(approved=False)
        assert client.get("/profiles/submitted", headers=headers).status_code == 200
        assert client.put(f"/users/{user.id}", headers=make.headers("super"), json={"can": ["view"]}).status_code == 200
        response = client.get(f"/profiles/approve/{profile.id}", headers=headers)
        assert response.status_code == 403
        assert response.json() == {"message": "User not authorized to perform this action",
                                   "err": {"name": "PermissionError", "message": "requires the 'manage' permission"}}
        assert client.get("/profiles/submitted", headers=headers).status_code == 200

    def test_session_shows_the_current_permissions(self, client, make):
        user, headers = self._login(client, make, can=["view", "manage"])
        client.put(f"/users/{user.id}", headers=make.headers("super"), json={"can": ["view"]})
        decoded = client.get("/auth/session", headers=headers).json()["decoded"]
        assert (decoded["uid"], decoded["can"]) == (user.id, ["view"])

    def test_promoted_user_gains_the_permission_at_once(self, client, make):
        user, headers = self._login(client, make, can=[])
        assert client.get("/profiles/submitted", headers=headers).status_code == 403
        client.put(f"/users/{user.id}", headers=make.headers("super"), json={"can": ["view"]})
        assert client.get("/profiles/submitted", headers=headers).status_code == 200

    def test_force_reset_set_after_login_applies_at_once(self, client, make):
        user, headers = self._login(client, make, can=["view"])
        client.put(f"/users/{user.id}", headers=make.headers("super"), json={"forceReset": True})
        response = client.get("/profiles/submitted", headers=headers)
        assert response.status_code == 403
        assert response.json()["err"]["name"] == "PasswordResetRequired"

    def test_deleted_user_token_is_refused(self, client, make):
        user, headers = self._login(client, make, can=["view", "super"])
        assert client.delete(f"/users/{user.id}", headers=make.headers("super")).status_code == 200
        for response in (client.get("/profiles/submitted", headers=headers), client.get("/users", headers=headers),
                         client.put("/auth/session", headers=headers)):
            assert (response.status_code, response.json()) == (401, ACCOUNT_GONE)
        assert client.get("/auth/session", headers=headers).json() == {"valid": False,
                                                                       "message": "Token expired or invalid"}

    def test_own_password_change_revokes_older_tokens(self, client, make):
        user, headers = self._login(client, make, can=["view"], password="oldPassword123")
        changed = client.put(f"/users/{user.id}", headers=headers, json={
            "password": "newPassword123", "confirmPassword": "newPassword123", "currentPassword": "oldPassword123"})
        assert changed.status_code == 200
        response = client.get("/profiles/submitted", headers=headers)
        assert (response.status_code, response.json()) == (403, REVOKED)
        fresh = client.post("/auth/login", json={"username": user.username, "password": "newPassword123"}).json()
        assert client.get("/profiles/submitted", headers=bearer(fresh["token"])).status_code == 200

    def test_password_set_by_super_revokes_the_users_tokens(self, client, make):
        user, headers = self._login(client, make, can=["view"])
        client.put(f"/users/{user.id}", headers=make.headers("super"),
                   json={"password": "newPassword123", "confirmPassword": "newPassword123"})
        response = client.get("/profiles/submitted", headers=headers)
        assert (response.status_code, response.json()) == (403, REVOKED)

    def test_password_reset_revokes_older_tokens_and_they_cannot_renew(self, client, make):
        user, headers = self._login(client, make, can=["view"])
        client.post("/auth/reset", json={"username": user.username})
        user_id, token = _reset_link(PRODUCT.runtime.mailer.outbox[-1])
        assert client.put(f"/auth/reset/{user_id}/{token}", json={
            "password": "newPassword123", "confirmPassword": "newPassword123"}).status_code == 200
        for response in (client.get("/profiles/submitted", headers=headers), client.put("/auth/session", headers=headers)):
            assert (response.status_code, response.json()) == (403, REVOKED)
        assert client.get("/auth/session", headers=headers).status_code == 401

    def test_renewed_token_keeps_working_until_the_next_password_change(self, client, make):
        user, headers = self._login(client, make, can=["view"])
        renewed = bearer(client.put("/auth/session", headers=headers).json()["token"])
        assert client.get("/profiles/submitted", headers=renewed).status_code == 200
        client.put(f"/users/{user.id}", headers=make.headers("super"),
                   json={"password": "newPassword123", "confirmPassword": "newPassword123"})
        assert client.get("/profiles/submitted", headers=renewed).status_code == 403

    def test_anonymous_token_needs_no_account(self, client, make):
        token = client.post("/auth/session").json()["token"]
        response = client.get("/auth/session", headers=bearer(token))
        assert response.status_code == 200
        assert response.json()["decoded"]["anonymous"] is True
