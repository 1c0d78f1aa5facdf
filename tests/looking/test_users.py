"""Staff accounts: super-only management, self-service updates, duplicate usernames."""
import pytest

FORBIDDEN = "User not authorized to perform this action"
DUPLICATE = {"message": "There was a duplicate key error", "err": {"code": 11000, "keyPattern": {"username": 1}}}
MISMATCH = {"success": False, "message": "There was an error saving the updated password.",
            "err": {"code": "PASSWORD_MISMATCH", "details": "confirmPassword does not match password"}}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def user_body(user, **overrides):
    body = {"_id": user.id, "username": user.username, "name": {"first": user.first_name, "last": user.last_name},
            "email": user.email, "can": list(user.can), "forceReset": user.force_reset}
    body.update(overrides)
    return body


class TestListUsers:
    def test_super_lists_everyone_by_username(self, client, make):
        b = make.user(username="bob", can=["view"])
        a = make.user(username="alice", can=["super"])
        response = client.get("/users", headers=bearer(make.token(a)))
        assert response.status_code == 200
        assert response.json() == [user_body(a), user_body(b)]

    def test_401_and_403(self, client, make):
        assert client.get("/users").status_code == 401
        response = client.get("/users", headers=make.headers("manage", "view"))
        assert (response.status_code, response.json()) == (403, {"message": FORBIDDEN, "err": {
            "name": "PermissionError", "message": "requires the 'super' permission"}})


class TestGetUser:
    def test_super_gets_one(self, client, make):
        user = make.user(username="newuser", can=["view", "add"])
        response = client.get(f"/users/{user.id}", headers=make.headers("super"))
        assert (response.status_code, response.json()) == (200, user_body(user))

    def test_unknown_is_404(self, client, make):
        response = client.get("/users/" + "f" * 24, headers=make.headers("super"))
        assert (response.status_code, response.json()) == (404, {"message": "User not found",
                                                                 "err": {"code": "NOT_FOUND", "details": None}})

    def test_401_and_403(self, client, make):
        user = make.user()
        assert client.get(f"/users/{user.id}").status_code == 401
        assert client.get(f"/users/{user.id}", headers=bearer(make.token(user))).status_code == 403


class TestCreateUser:
    BODY = {"username": "newuser", "password": "password123", "confirmPassword": "password123",
            "name": {"first": "Jane", "last": "Smith"}, "email": "jane@example.com", "can": ["view", "add"]}

    def test_creates_and_can_log_in(self, client, make):
        response = client.post("/users", json=self.BODY, headers=make.headers("super"))
        assert response.status_code == 201
        body = response.json()
        assert body == {"message": "User created successfully", "user": {"_id": body["user"]["_id"], "username": "newuser"}}
        login = client.post("/auth/login", json={"username": "newuser", "password": "password123"}).json()
        assert login["user"]["can"] == ["view", "add"]

    def test_duplicate_username_is_the_11000_error(self, client, make):
        make.user(username="newuser")
        response = client.post("/users", json=self.BODY, headers=make.headers("super"))
        assert (response.status_code, response.json()) == (409, DUPLICATE)

    def test_password_mismatch(self, client, make):
        response = client.post("/users", json=dict(self.BODY, confirmPassword="other-pass"), headers=make.headers("super"))
        assert (response.status_code, response.json()) == (400, MISMATCH)

    @pytest.mark.parametrize("change,field", [
        pytest.param({"username": None}, "username", id="missing username"),
        pytest.param({"password": "short"}, "password", id="short password"),
        pytest.param({"can": ["fly"]}, "can.0", id="unknown permission"),
        pytest.param({"email": "not-an-email"}, "email", id="bad email"),
        pytest.param({"username": "has space"}, "username", id="bad username"),
    ])
    def test_invalid_is_400(self, client, make, change, field):
        body = {k: v for k, v in dict(self.BODY, **change).items() if v is not None}
        response = client.post("/users", json=body, headers=make.headers("super"))
        assert response.status_code == 400
        assert field in [d["field"] for d in response.json()["err"]["details"]]

    def test_401_and_403(self, client, make):
        assert client.post("/users", json=self.BODY).status_code == 401
        assert client.post("/users", json=self.BODY, headers=make.headers("manage")).status_code == 403


class TestUpdateUser:
    def test_super_updates_anyone_without_current_password(self, client, make):
        user = make.user(username="target", can=["view"])
        response = client.put(f"/users/{user.id}", headers=make.headers("super"), json={
            "name": {"first": "John", "last": "Updated"}, "email": "newemail@example.com",
            "password": "newPassword123", "confirmPassword": "newPassword123", "can": ["view", "manage"],
            "forceReset": True})
        assert response.status_code == 200
        assert response.json() == {"message": "User updated successfully", "user": user_body(
            user, name={"first": "John", "last": "Updated"}, email="newemail@example.com", can=["view", "manage"],
            forceReset=True)}

    def test_self_changes_own_password_with_current_password(self, client, make):
        user = make.user(username="me", password="oldPassword123")
        response = client.put(f"/users/{user.id}", headers=bearer(make.token(user)), json={
            "password": "newPassword123", "confirmPassword": "newPassword123", "currentPassword": "oldPassword123"})
        assert response.status_code == 200
        assert client.post("/auth/login", json={"username": "me", "password": "newPassword123"}).status_code == 200

    @pytest.mark.parametrize("current", [None, "wrong-password"])
    def test_self_password_change_needs_the_current_password(self, client, make, current):
        user = make.user(password="oldPassword123")
        body = {"password": "newPassword123", "confirmPassword": "newPassword123"}
        if current:
            body["currentPassword"] = current
        response = client.put(f"/users/{user.id}", headers=bearer(make.token(user)), json=body)
        assert response.status_code == 400
        assert response.json()["message"] == "Current password is incorrect"

    def test_mismatch(self, client, make):
        user = make.user(password="oldPassword123")
        response = client.put(f"/users/{user.id}", headers=bearer(make.token(user)), json={
            "password": "newPassword123", "confirmPassword": "nope-nope-1", "currentPassword": "oldPassword123"})
        assert (response.status_code, response.json()) == (400, MISMATCH)

    def test_self_cannot_grant_permissions(self, client, make):
        user = make.user(can=["view"])
        response = client.put(f"/users/{user.id}", headers=bearer(make.token(user)), json={"can": ["super"]})
        assert response.status_code == 403
        assert response.json()["message"] == FORBIDDEN

    def test_other_user_is_403(self, client, make):
        user, other = make.user(), make.user()
        response = client.put(f"/users/{other.id}", headers=bearer(make.token(user)), json={"email": "x@example.com"})
        assert response.status_code == 403

    def test_duplicate_username(self, client, make):
        make.user(username="taken")
        user = make.user()
        response = client.put(f"/users/{user.id}", headers=make.headers("super"), json={"username": "taken"})
        assert (response.status_code, response.json()) == (409, DUPLICATE)

    def test_empty_body_is_400(self, client, make):
        user = make.user()
        assert client.put(f"/users/{user.id}", headers=make.headers("super"), json={}).status_code == 400

    def test_unknown_is_404(self, client, make):
        response = client.put("/users/" + "a" * 24, headers=make.headers("super"), json={"email": "x@example.com"})
        assert response.status_code == 404

    def test_401(self, client, make):
        user = make.user()
        assert client.put(f"/users/{user.id}", json={"email": "x@example.com"}).status_code == 401

    @pytest.mark.parametrize("change,field,code,message", [
        pytest.param({"can": ["view"]}, "can", "SELF_DEMOTE", "You cannot remove your own super permission",
                     id="own super"),
        pytest.param({"forceReset": True}, "forceReset", "SELF_FORCE_RESET",
                     "You cannot flag your own account for a password reset", id="own forceReset"),
    ])
    def test_super_cannot_lock_themself_out(self, client, make, change, field, code, message):
        admin = make.user(can=["super"])
        response = client.put(f"/users/{admin.id}", headers=bearer(make.token(admin)), json=change)
        assert (response.status_code, response.json()) == (400, {"message": message, "err": {
            "code": code, "details": [{"field": field, "message": message}]}})
        assert client.get("/users", headers=bearer(make.token(admin))).status_code == 200

    def test_super_keeps_super_when_changing_own_permissions(self, client, make):
        admin = make.user(can=["super"])
        response = client.put(f"/users/{admin.id}", headers=bearer(make.token(admin)), json={"can": ["super", "view"]})
        assert (response.status_code, response.json()["user"]["can"]) == (200, ["super", "view"])

    def test_force_reset_limits_the_user_to_changing_their_password(self, client, make):
        user = make.user(username="flagged", password="oldPassword123", can=["view"])
        client.put(f"/users/{user.id}", headers=make.headers("super"), json={"forceReset": True})
        login = client.post("/auth/login", json={"username": "flagged", "password": "oldPassword123"}).json()
        assert login["user"]["forceReset"] is True
        headers = bearer(login["token"])
        blocked = client.get("/profiles/submitted", headers=headers)
        assert blocked.status_code == 403
        assert blocked.json()["err"]["name"] == "PasswordResetRequired"
        changed = client.put(f"/users/{user.id}", headers=headers, json={
            "password": "newPassword123", "confirmPassword": "newPassword123", "currentPassword": "oldPassword123"})
        assert changed.json()["user"]["forceReset"] is False
        fresh = client.post("/auth/login", json={"username": "flagged", "password": "newPassword123"}).json()["token"]
        assert client.get("/profiles/submitted", headers=bearer(fresh)).status_code == 200


class TestDeleteUser:
    def test_super_deletes(self, client, make):
        user = make.user()
        response = client.delete(f"/users/{user.id}", headers=make.headers("super"))
        assert (response.status_code, response.json()) == (200, {"message": "User deleted successfully"})
        assert client.get(f"/users/{user.id}", headers=make.headers("super")).status_code == 404

    def test_cannot_delete_self(self, client, make):
        admin = make.user(can=["super"])
        response = client.delete(f"/users/{admin.id}", headers=bearer(make.token(admin)))
        assert response.status_code == 400
        assert response.json()["message"] == "You cannot delete your own account"

    def test_unknown_is_404(self, client, make):
        assert client.delete("/users/" + "a" * 24, headers=make.headers("super")).status_code == 404

    def test_401_and_403(self, client, make):
        user = make.user()
        assert client.delete(f"/users/{user.id}").status_code == 401
        assert client.delete(f"/users/{user.id}", headers=make.headers("delete")).status_code == 403
