"""The signed-in account's settings, profile fields, password and email."""
import pytest

from tests.diora.conftest import PASSWORD, error, png


class TestGetSettings:
    def test_ones_own(self, client, make):
        me = make.user(theme="dark")
        response = client.get(f"/api/user/settings/{me.id}", headers=make.headers(me))
        assert response.status_code == 200
        settings = response.json()["settings"]
        assert settings["theme"] == "dark" and settings["notifications"]["likes"] is True

    def test_another_users_are_403(self, client, make):
        response = client.get(f"/api/user/settings/{make.user().id}", headers=make.headers())
        assert response.status_code == 403
        assert response.json() == error("You can only view your own settings", "AUTH_002")

    def test_administrators_read_anyones(self, client, make):
        other = make.user()
        assert client.get(f"/api/user/settings/{other.id}", headers=make.headers(type="admin")).status_code == 200

    def test_needs_a_token(self, client, make):
        assert client.get(f"/api/user/settings/{make.user().id}").status_code == 401


class TestUpdateSettings:
    def test_merges_what_is_sent_under_either_name(self, client, make):
        me = make.user()
        response = client.put("/api/user/settings", headers=make.headers(me), json={
            "theme": "dark", "privacy": {"profileVisibility": "private"},
            "notifications": {"likeNotifications": False, "pushNotifications": False, "emailFrequency": "weekly"}})
        assert response.status_code == 200
        body = response.json()
        assert body["message"] == "Settings updated successfully"
        settings = body["settings"]
        assert settings["theme"] == "dark"
        assert settings["privacy"] == {"profileVisibility": "private", "allowMessages": True, "showOnlineStatus": True}
        notifications = settings["notifications"]
        assert (notifications["likes"], notifications["likeNotifications"], notifications["comments"]) == (
            False, False, True)
        assert (notifications["pushNotifications"], notifications["emailFrequency"]) == (False, "weekly")
        again = client.get(f"/api/user/settings/{me.id}", headers=make.headers(me)).json()["settings"]
        assert again == settings

    @pytest.mark.parametrize("body, field", [
        pytest.param({"theme": "blue"}, "theme", id="unknown theme"),
        pytest.param({"notifications": {"likes": "yes"}}, "notifications.likes", id="not a boolean"),
        pytest.param({"notifications": {"sms": True}}, "notifications.sms", id="unknown switch"),
    ])
    def test_invalid_settings_are_400(self, client, make, body, field):
        response = client.put("/api/user/settings", json=body, headers=make.headers())
        assert response.status_code == 400
        assert response.json()["field"] == field


class TestUpdateProfile:
    @pytest.mark.parametrize("path", ["/api/user/profile", "/api/user/update/profile"])
    def test_json_fields(self, client, make, path):
        me = make.user()
        response = client.put(path, json={"fullName": "New Name", "bio": "Hi", "username": "New.Name"},
                              headers=make.headers(me))
        assert response.status_code == 200
        body = response.json()
        assert body["message"] == "Profile updated successfully"
        assert (body["user"]["fullName"], body["user"]["bio"], body["user"]["username"]) == ("New Name", "Hi", "new.name")

    def test_multipart_with_an_avatar(self, client, make):
        me = make.user()
        response = client.put("/api/user/profile", data={"bio": "With a face"},
                              files={"avatar": ("me.png", png(), "image/png")}, headers=make.headers(me))
        assert response.status_code == 200
        user = response.json()["user"]
        assert user["bio"] == "With a face"
        assert user["avatar"] == f"http://testserver/api/uploads/{user['avatarId']}"
        assert client.get(user["avatar"]).status_code == 200

    def test_a_taken_username_is_409(self, client, make):
        make.user(username="taken")
        response = client.put("/api/user/profile", json={"username": "TAKEN"}, headers=make.headers())
        assert response.status_code == 409
        assert response.json() == error("Username already exists", field="username")

    def test_an_avatar_that_is_not_an_image_is_400_and_changes_nothing(self, client, make):
        me = make.user()
        response = client.put("/api/user/profile", data={"bio": "x"}, files={"avatar": ("a.png", b"GIF89a?", "image/png")},
                              headers=make.headers(me))
        assert response.status_code == 400 and response.json()["field"] == "avatar"
        assert make.reload(me).bio == ""


class TestUpdateSecurity:
    @pytest.mark.parametrize("name", ["currentPassword", "oldPassword"])
    def test_changes_the_password_with_either_name(self, client, make, name):
        me = make.user()
        response = client.put("/api/user/update/security", json={name: PASSWORD, "newPassword": "brand-new-1"},
                              headers=make.headers(me))
        assert response.status_code == 200
        body = response.json()
        assert body["message"] == "Password updated successfully" and body["token"]
        login = client.post("/api/auth/login", json={"username": me.username, "password": "brand-new-1"})
        assert login.status_code == 200
        assert client.post("/api/auth/login", json={"username": me.username, "password": PASSWORD}).status_code == 401

    def test_a_wrong_current_password_is_400(self, client, make):
        response = client.put("/api/user/update/security", json={"currentPassword": "nope", "newPassword": "brand-new-1"},
                              headers=make.headers())
        assert response.status_code == 400
        assert response.json() == error("Current password is incorrect", field="currentPassword")

    def test_the_current_password_is_required(self, client, make):
        response = client.put("/api/user/update/security", json={"newPassword": "brand-new-1"}, headers=make.headers())
        assert response.status_code == 400
        assert response.json() == error("currentPassword or oldPassword is required (currentPassword)",
                                        field="currentPassword", errors=[{
                                            "field": "currentPassword", "location": "body",
                                            "message": "currentPassword or oldPassword is required"}])


class TestUpdateEmail:
    @pytest.mark.parametrize("body", [
        pytest.param({"newEmail": "New@Example.com", "password": PASSWORD}, id="reference"),
        pytest.param({"email": "new@example.com"}, id="client"),
    ])
    def test_changes_the_email(self, client, make, body):
        me = make.user()
        response = client.put("/api/user/update/email", json=body, headers=make.headers(me))
        assert response.status_code == 200
        assert response.json()["message"] == "Email updated successfully"
        assert response.json()["user"]["email"] == "new@example.com"

    def test_a_wrong_password_is_400(self, client, make):
        response = client.put("/api/user/update/email", json={"newEmail": "n@example.com", "password": "nope"},
                              headers=make.headers())
        assert response.status_code == 400
        assert response.json() == error("Password is incorrect", field="password")

    def test_the_same_email_is_400(self, client, make):
        me = make.user()
        response = client.put("/api/user/update/email", json={"email": me.email.upper()}, headers=make.headers(me))
        assert response.json() == error("New email is the same as current email", field="email")

    def test_a_taken_email_is_409(self, client, make):
        other = make.user()
        response = client.put("/api/user/update/email", json={"email": other.email}, headers=make.headers())
        assert response.status_code == 409
        assert response.json() == error("Email already used", field="email")
