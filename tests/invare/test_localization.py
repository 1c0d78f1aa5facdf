"""Localization: message keys and their texts per language; dictionaries public, changes by administrators.
Arabic text round-trips exactly."""
import pytest

from tests.invare.conftest import error, invalid
from tests.invare.orgs_support import MISSING_ID, stamps

UNAUTHORIZED = error(401, "Unauthorized", "Unauthorized")
FORBIDDEN = error(403, "Forbidden resource", "Forbidden")
KEY_NOT_FOUND = error(404, "Localization key not found", "Not Found")
# Arabic with diacritics, tatweel, a right-to-left mark, Arabic-Indic digits and surrounding spaces: kept exactly
ARABIC = " أهلاً وسهلاً بكم في إنفـــير \u200f١٢٣ "


def add_key(client, admin, name="welcome.title", description="Homepage title"):
    response = client.post("/localization/keys", headers=admin.headers, json={"keyName": name, "description": description})
    assert response.status_code == 201, response.text
    return response.json()


def translate(client, admin, key, code, value):
    return client.post("/localization/translate", headers=admin.headers,
                       json={"keyName": key, "languageCode": code, "value": value})


class TestCreateKey:
    def test_admin_adds_a_key(self, client, admin):
        response = client.post("/localization/keys", headers=admin.headers,
                               json={"keyName": "welcome.title", "description": "Homepage title"})
        assert response.status_code == 201
        assert response.json() == {**stamps(response.json()), "keyName": "welcome.title", "description": "Homepage title",
                                   "translations": {}}

    def test_taken(self, client, admin):
        add_key(client, admin)
        response = client.post("/localization/keys", headers=admin.headers, json={"keyName": "welcome.title"})
        assert (response.status_code, response.json()) == (409, error(409, "Localization key already exists", "Conflict"))

    def test_admins_only(self, client, member):
        response = client.post("/localization/keys", headers=member.headers, json={"keyName": "a.b"})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    @pytest.mark.parametrize("body, messages", [
        pytest.param({}, ["keyName should not be empty"], id="missing"),
        pytest.param({"keyName": "welcome title"}, ["keyName must match ^[A-Za-z0-9_.-]{1,200}$ regular expression"],
                     id="space"),
        pytest.param({"keyName": "a.b", "value": "x"}, ["property value should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, admin, body, messages):
        response = client.post("/localization/keys", headers=admin.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        assert client.post("/localization/keys", json={"keyName": "a.b"}).json() == UNAUTHORIZED


class TestListKeys:
    def test_by_name_with_texts(self, client, admin, member):
        title = add_key(client, admin)
        empty = add_key(client, admin, "listings.empty", None)
        translate(client, admin, "welcome.title", "en", "Welcome")
        translate(client, admin, "welcome.title", "ar", ARABIC)
        response = client.get("/localization/keys", headers=member.headers)
        assert response.status_code == 200
        assert response.json() == [empty, {**title, "translations": {"ar": ARABIC, "en": "Welcome"}}]
        assert client.get("/localization/keys?page=2&limit=1", headers=member.headers).json()[0]["id"] == title["id"]

    def test_invalid_query(self, client, member):
        response = client.get("/localization/keys?lang=ar", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("property lang should not exist"))

    def test_needs_a_token(self, client):
        assert client.get("/localization/keys").json() == UNAUTHORIZED


class TestTranslate:
    def test_new_then_replaced_arabic_exactly(self, client, admin):
        key = add_key(client, admin)
        response = translate(client, admin, "welcome.title", "AR", "مرحبا")
        assert response.status_code == 201
        created = response.json()
        assert created == {"id": created["id"], "keyId": key["id"], "keyName": "welcome.title", "languageCode": "ar",
                           "value": "مرحبا"}
        response = translate(client, admin, "welcome.title", "ar", ARABIC)
        assert (response.status_code, response.json()) == (200, {**created, "value": ARABIC})
        assert client.get("/localization/lang/ar").json() == {"languageCode": "ar", "translations": {"welcome.title": ARABIC}}

    def test_unknown_key(self, client, admin):
        response = translate(client, admin, "missing.key", "en", "x")
        assert (response.status_code, response.json()) == (404, KEY_NOT_FOUND)

    def test_admins_only(self, client, admin, member):
        add_key(client, admin)
        response = translate(client, member, "welcome.title", "en", "Hacked")
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        assert client.get("/localization/lang/en").json()["translations"] == {}

    @pytest.mark.parametrize("change, messages", [
        pytest.param({"languageCode": "english"}, ["languageCode must match ^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$ regular expression"],
                     id="language"),
        pytest.param({"value": ""}, ["value should not be empty"], id="empty"),
        pytest.param({"value": None}, ["value must be a string"], id="null"),
        pytest.param({"lang": "ar"}, ["property lang should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, admin, change, messages):
        response = client.post("/localization/translate", headers=admin.headers,
                               json={"keyName": "welcome.title", "languageCode": "en", "value": "Welcome", **change})
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        response = client.post("/localization/translate", json={"keyName": "a.b", "languageCode": "en", "value": "x"})
        assert response.json() == UNAUTHORIZED


class TestGetLanguage:
    def test_public_dictionary_per_language(self, client, admin):
        add_key(client, admin)
        add_key(client, admin, "listings.empty")
        add_key(client, admin, "untranslated.key")
        translate(client, admin, "welcome.title", "en", "Welcome")
        translate(client, admin, "listings.empty", "en", "No listings yet")
        translate(client, admin, "welcome.title", "ar", ARABIC)
        assert client.get("/localization/lang/en").json() == {
            "languageCode": "en", "translations": {"listings.empty": "No listings yet", "welcome.title": "Welcome"}}
        response = client.get("/localization/lang/AR")
        assert (response.status_code, response.json()) == (200, {"languageCode": "ar", "translations": {"welcome.title": ARABIC}})

    def test_a_language_without_texts(self, client):
        assert client.get("/localization/lang/fr").json() == {"languageCode": "fr", "translations": {}}

    def test_invalid(self, client):
        response = client.get("/localization/lang/e")
        assert (response.status_code, response.json()) == (
            400, invalid("languageCode must match ^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$ regular expression"))


class TestDeleteKey:
    def test_removes_the_key_and_its_texts(self, client, admin):
        key = add_key(client, admin)
        translate(client, admin, "welcome.title", "en", "Welcome")
        response = client.delete(f"/localization/keys/{key['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (
            200, {"success": True, "messageKey": "messages.localization_key_deleted"})
        assert client.get("/localization/lang/en").json()["translations"] == {}
        assert client.get("/localization/keys", headers=admin.headers).json() == []

    def test_admins_only(self, client, admin, member):
        key = add_key(client, admin)
        response = client.delete(f"/localization/keys/{key['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_unknown_and_malformed(self, client, admin):
        response = client.delete(f"/localization/keys/{MISSING_ID}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, KEY_NOT_FOUND)
        response = client.delete("/localization/keys/welcome.title", headers=admin.headers)
        assert (response.status_code, response.json()) == (400, invalid("id must be a UUID"))

    def test_needs_a_token(self, client):
        assert client.delete(f"/localization/keys/{MISSING_ID}").json() == UNAUTHORIZED
