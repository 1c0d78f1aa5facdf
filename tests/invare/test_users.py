"""Accounts: administrators manage everyone; a user reads, changes and closes only their own."""
import pytest

from tests.invare.conftest import error, invalid, user_json

FORBIDDEN = error(403, "Forbidden resource", "Forbidden")
OWN_ONLY = error(403, "You can only manage your own account", "Forbidden")
ADMIN_FIELDS = error(403, "Only administrators can change isAdmin, isCarrier, accountStatus or subscriptionTier",
                     "Forbidden")
UNAUTHORIZED = error(401, "Unauthorized", "Unauthorized")
NOT_FOUND = error(404, "User not found", "Not Found")
SELF_LOCKOUT = error(403, "Administrators cannot delete, suspend or demote their own account", "Forbidden")
MISSING_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


class TestCreateUser:
    BODY = {"email": "user@example.com", "firstName": "Ada", "lastName": "Lovelace", "phone": "+90 555 000 0000",
            "accountStatus": "active", "subscriptionTier": "pro", "isAdmin": False, "isCarrier": True,
            "googleId": "google-sub", "registerType": "google", "roleIds": ["r1"]}

    def test_admin_creates_any_account(self, client, admin, make):
        country = make.country("TR", "Türkiye")
        response = client.post("/users", headers=admin.headers, json={**self.BODY, "countryId": str(country.id)})
        assert response.status_code == 201
        user = make.reload(type("U", (), {"id": response.json()["id"]}))
        assert response.json() == user_json(user)
        assert (user.email, user.subscription_tier, user.is_carrier, user.google_id, user.country.country_name) == (
            "user@example.com", "pro", True, "google-sub", "Türkiye")

    def test_email_taken(self, client, admin, member):
        response = client.post("/users", headers=admin.headers, json={**self.BODY, "email": member.user.email})
        assert (response.status_code, response.json()) == (409, error(409, "Email already exists", "Conflict"))

    def test_google_account_taken(self, client, admin, make):
        make.user(googleId="google-sub", registerType="google")
        response = client.post("/users", headers=admin.headers, json=self.BODY)
        assert (response.status_code, response.json()) == (
            409, error(409, "Google account already linked to another user", "Conflict"))

    def test_admins_only(self, client, member, carrier):
        for who in (member, carrier):
            response = client.post("/users", headers=who.headers, json=self.BODY)
            assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_needs_a_token(self, client):
        assert (client.post("/users", json=self.BODY).json()) == UNAUTHORIZED

    @pytest.mark.parametrize("change, messages", [
        pytest.param({"accountStatus": "banned"}, ["accountStatus must be one of the following values: active, suspended, deleted"],
                     id="status"),
        pytest.param({"isAdmin": "yes"}, ["isAdmin must be a boolean value"], id="flag"),
        pytest.param({"email": None}, ["email must be a string"], id="null email"),
        pytest.param({"password": "x"}, ["property password should not exist"], id="password"),
    ])
    def test_invalid_input(self, client, admin, change, messages):
        response = client.post("/users", headers=admin.headers, json={**self.BODY, **change})
        assert (response.status_code, response.json()) == (400, invalid(*messages))


class TestListUsers:
    def test_newest_first_paged_with_page_and_limit(self, client, admin, make):
        made = [make.user() for _ in range(3)]
        everyone = client.get("/users", headers=admin.headers).json()
        assert [u["id"] for u in everyone[:3]] == [str(u.id) for u in reversed(made)]
        assert everyone[0] == user_json(make.reload(made[-1]))
        first = client.get("/users?page=1&limit=2", headers=admin.headers).json()
        second = client.get("/users?page=2&limit=2", headers=admin.headers).json()
        assert [u["id"] for u in first + second] == [u["id"] for u in everyone[:4]]

    def test_search(self, client, admin, make):
        wanted = make.user(email="findme@example.com", firstName="Zelda")
        make.user()
        for term in ("FINDME", "zeld"):
            response = client.get("/users", headers=admin.headers, params={"search": term})
            assert [u["id"] for u in response.json()] == [str(wanted.id)]

    def test_admins_only(self, client, member):
        response = client.get("/users", headers=member.headers)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_needs_a_token(self, client):
        assert client.get("/users").json() == UNAUTHORIZED

    @pytest.mark.parametrize("query, messages", [
        pytest.param("page=0", ["page must not be less than 1"], id="page 0"),
        pytest.param("limit=1001", ["limit must not be greater than 1000"], id="limit too large"),
        pytest.param("sort=email", ["property sort should not exist"], id="unknown parameter"),
    ])
    def test_invalid_query(self, client, admin, query, messages):
        response = client.get(f"/users?{query}", headers=admin.headers)
        assert (response.status_code, response.json()) == (400, invalid(*messages))


class TestGetUser:
    def test_own_account(self, client, make, member):
        response = client.get(f"/users/{member.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (200, user_json(make.reload(member.user)))

    def test_admin_reads_anyone(self, client, make, admin, member):
        assert client.get(f"/users/{member.id}", headers=admin.headers).json() == user_json(make.reload(member.user))

    def test_someone_elses_account(self, client, member, other_member):
        response = client.get(f"/users/{other_member.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_ONLY)

    def test_unknown(self, client, admin):
        response = client.get(f"/users/{MISSING_ID}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_malformed_id(self, client, admin):
        response = client.get("/users/42", headers=admin.headers)
        assert (response.status_code, response.json()) == (400, invalid("id must be a UUID"))

    def test_needs_a_token(self, client, member):
        assert client.get(f"/users/{member.id}").json() == UNAUTHORIZED


class TestUpdateUser:
    def test_own_profile(self, client, make, member):
        country = make.country("SA")
        response = client.patch(f"/users/{member.id}", headers=member.headers, json={
            "firstName": "Grace", "lastName": "Hopper", "phone": "+966500000000", "countryId": str(country.id)})
        assert response.status_code == 200
        user = make.reload(member.user)
        assert response.json() == user_json(user)
        assert (user.first_name, user.last_name, user.phone, user.country_id) == ("Grace", "Hopper", "+966500000000",
                                                                                 country.id)

    @pytest.mark.parametrize("change", [{"isAdmin": True}, {"isCarrier": True}, {"accountStatus": "active"},
                                        {"subscriptionTier": "enterprise"}],
                             ids=["isAdmin", "isCarrier", "accountStatus", "subscriptionTier"])
    def test_only_admins_change_roles_status_and_tier(self, client, make, member, change):
        response = client.patch(f"/users/{member.id}", headers=member.headers, json={"firstName": "X", **change})
        assert (response.status_code, response.json()) == (403, ADMIN_FIELDS)
        assert make.reload(member.user).first_name == "Ada"  # nothing changed

    def test_admin_changes_them(self, client, make, admin, member):
        response = client.patch(f"/users/{member.id}", headers=admin.headers, json={
            "isCarrier": True, "subscriptionTier": "enterprise", "accountStatus": "suspended"})
        assert response.status_code == 200
        assert response.json() == user_json(make.reload(member.user), isCarrier=True, subscriptionTier="enterprise",
                                            accountStatus="suspended")
        assert client.get("/auth/me", headers=member.headers).status_code == 401  # suspended at once

    @pytest.mark.parametrize("change", [{"isAdmin": False}, {"accountStatus": "suspended"}], ids=["demote", "suspend"])
    def test_admins_cannot_lock_themselves_out(self, client, make, admin, change):
        response = client.patch(f"/users/{admin.id}", headers=admin.headers, json=change)
        assert (response.status_code, response.json()) == (403, SELF_LOCKOUT)
        ok = client.patch(f"/users/{admin.id}", headers=admin.headers, json={"isCarrier": True, "isAdmin": True})
        assert ok.status_code == 200

    def test_someone_elses_account(self, client, make, member, other_member):
        response = client.patch(f"/users/{other_member.id}", headers=member.headers, json={"firstName": "Mallory"})
        assert (response.status_code, response.json()) == (403, OWN_ONLY)
        assert make.reload(other_member.user).first_name == "Grace"

    def test_email_taken(self, client, member, other_member):
        response = client.patch(f"/users/{member.id}", headers=member.headers, json={"email": other_member.user.email})
        assert (response.status_code, response.json()) == (409, error(409, "Email already exists", "Conflict"))

    def test_clear_optional_fields(self, client, make):
        member = make.member(phone="+966500000000")
        response = client.patch(f"/users/{member.id}", headers=member.headers, json={"phone": None})
        assert response.json()["phone"] is None

    def test_unknown(self, client, admin):
        response = client.patch(f"/users/{MISSING_ID}", headers=admin.headers, json={"firstName": "X"})
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    @pytest.mark.parametrize("body, messages", [
        pytest.param({}, ["body must have at least 1 properties"], id="empty"),
        pytest.param({"firstName": ""}, ["firstName should not be empty"],
                     id="empty name"),
        pytest.param({"email": "x"}, ["email must be an email", "email must be longer than or equal to 3 characters"],
                     id="bad email"),
        pytest.param({"nickname": "Ada"}, ["property nickname should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, member, body, messages):
        response = client.patch(f"/users/{member.id}", headers=member.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client, member):
        assert client.patch(f"/users/{member.id}", json={"firstName": "X"}).json() == UNAUTHORIZED


class TestDeleteUser:
    def test_closes_own_account(self, client, make, admin, member):
        response = client.delete(f"/users/{member.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.user_deleted"})
        closed = make.reload(member.user)
        assert (closed.account_status, closed.email) == ("deleted", f"deleted+{member.user.id.hex}@deleted.invalid")
        assert client.get("/auth/me", headers=member.headers).json() == error(401, "Account is not active", "Unauthorized")
        assert client.get(f"/users/{member.id}", headers=admin.headers).json() == NOT_FOUND
        assert member.id not in [u["id"] for u in client.get("/users", headers=admin.headers).json()]
        response = client.post("/auth/request-otp", json={"email": member.user.email})
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_the_email_is_free_again(self, client, member):
        client.delete(f"/users/{member.id}", headers=member.headers)
        response = client.post("/auth/register/user", json={"email": member.user.email, "firstName": "A", "lastName": "B"})
        assert response.status_code == 201 and response.json()["id"] != member.id

    def test_admins_cannot_close_their_own(self, client, make, admin):
        response = client.delete(f"/users/{admin.id}", headers=admin.headers)
        assert (response.status_code, response.json()) == (403, SELF_LOCKOUT)
        assert make.reload(admin.user).account_status == "active"

    def test_admin_closes_anyone(self, client, make, admin, member):
        assert client.delete(f"/users/{member.id}", headers=admin.headers).status_code == 200
        assert make.reload(member.user).account_status == "deleted"
        assert client.delete(f"/users/{member.id}", headers=admin.headers).json() == NOT_FOUND

    def test_someone_elses_account(self, client, make, member, other_member):
        response = client.delete(f"/users/{other_member.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_ONLY)
        assert make.reload(other_member.user).account_status == "active"

    def test_unknown(self, client, admin):
        response = client.delete(f"/users/{MISSING_ID}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_needs_a_token(self, client, member):
        assert client.delete(f"/users/{member.id}").json() == UNAUTHORIZED
