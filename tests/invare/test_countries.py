"""Countries and country settings: public to read (the registration pages read them signed out), changed by
administrators only; country names in Arabic and English."""
import pytest

from models.invare import database, seed as seed_data, users
from models.invare.addresses import CompanyAddress, UserAddress
from models.invare.countries import Country, CountrySetting
from models.invare.localization import LocalizationKey
from tests.invare.conftest import error, invalid
from tests.invare.orgs_support import MISSING_ID, stamps

UNAUTHORIZED = error(401, "Unauthorized", "Unauthorized")
FORBIDDEN = error(403, "Forbidden resource", "Forbidden")
NOT_FOUND = error(404, "Country not found", "Not Found")
TAKEN = error(409, "Country code already exists", "Conflict")
TURKEY = {"countryCode": "TR", "countryName": "Türkiye", "i18n": {"ar": {"countryName": "تركيا"}, "en": {"countryName": "Turkey"}}}


def country_json(country, **changes):
    return {"id": str(country.id), "countryCode": country.country_code, "countryName": country.country_name,
            "i18n": country.i18n or {}, **changes}


def add(client, admin, **fields):
    response = client.post("/countries", headers=admin.headers, json={**TURKEY, **fields})
    assert response.status_code == 201, response.text
    return response.json()


class TestCreateCountry:
    def test_admin_adds_one_with_its_names(self, client, admin):
        response = client.post("/countries", headers=admin.headers, json={**TURKEY, "countryCode": "tr"})
        assert response.status_code == 201
        assert response.json() == {"id": response.json()["id"], **TURKEY}

    def test_code_taken(self, client, admin):
        add(client, admin)
        response = client.post("/countries", headers=admin.headers, json={"countryCode": "tr", "countryName": "Again"})
        assert (response.status_code, response.json()) == (409, TAKEN)

    def test_admins_only(self, client, member, carrier):
        for who in (member, carrier):
            response = client.post("/countries", headers=who.headers, json=TURKEY)
            assert (response.status_code, response.json()) == (403, FORBIDDEN)

    @pytest.mark.parametrize("body, messages", [
        pytest.param({"countryName": "X"}, ["countryCode should not be empty"], id="no code"),
        pytest.param({"countryCode": "T1", "countryName": "X"}, ["countryCode must match ^[A-Za-z]{2,3}$ regular expression"],
                     id="bad code"),
        pytest.param({"countryCode": "TR", "countryName": ""},
                     ["countryName should not be empty"],
                     id="empty name"),
        pytest.param({**TURKEY, "i18n": {"fr": {"countryName": "Turquie"}}}, ["property i18n.fr should not exist"], id="language"),
        pytest.param({**TURKEY, "i18n": {"ar": {"name": "تركيا"}}}, ["property i18n.ar.name should not exist"], id="field"),
        pytest.param({**TURKEY, "currency": "TRY"}, ["property currency should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, admin, body, messages):
        response = client.post("/countries", headers=admin.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        assert client.post("/countries", json=TURKEY).json() == UNAUTHORIZED


class TestListCountries:
    def test_public_by_name_with_translations(self, client, admin):
        oman = add(client, admin, countryCode="OM", countryName="Oman", i18n={"ar": {"countryName": "عُمان"}})
        turkey = add(client, admin)
        plain = add(client, admin, countryCode="SA", countryName="Saudi Arabia", i18n={})
        response = client.get("/countries")
        assert (response.status_code, response.json()) == (200, [oman, plain, turkey])
        assert client.get("/countries?page=2&limit=2").json() == [turkey]

    def test_in_arabic_and_english(self, client, admin):
        oman = add(client, admin, countryCode="OM", countryName="Oman", i18n={"ar": {"countryName": "عُمان"}})
        turkey = add(client, admin)
        assert client.get("/countries?lang=ar").json() == [
            {"id": oman["id"], "countryCode": "OM", "countryName": "عُمان"},
            {"id": turkey["id"], "countryCode": "TR", "countryName": "تركيا"}]
        assert client.get("/countries?lang=en").json() == [
            {"id": oman["id"], "countryCode": "OM", "countryName": "Oman"},
            {"id": turkey["id"], "countryCode": "TR", "countryName": "Turkey"}]

    @pytest.mark.parametrize("query, messages", [
        pytest.param("lang=fr", ["lang must be one of the following values: ar, en"], id="lang"),
        pytest.param("limit=0", ["limit must not be less than 1"], id="limit"),
        pytest.param("search=t", ["property search should not exist"], id="unknown parameter"),
    ])
    def test_invalid_query(self, client, query, messages):
        response = client.get(f"/countries?{query}")
        assert (response.status_code, response.json()) == (400, invalid(*messages))


class TestGetCountry:
    def test_public_in_any_language(self, client, admin):
        turkey = add(client, admin)
        assert client.get(f"/countries/{turkey['id']}").json() == turkey
        assert client.get(f"/countries/{turkey['id']}?lang=ar").json() == {
            "id": turkey["id"], "countryCode": "TR", "countryName": "تركيا"}

    def test_a_language_without_a_translation_keeps_the_base_name(self, client, admin):
        oman = add(client, admin, countryCode="OM", countryName="Oman", i18n={"ar": {"countryName": "عُمان"}})
        assert client.get(f"/countries/{oman['id']}?lang=en").json() == {
            "id": oman["id"], "countryCode": "OM", "countryName": "Oman"}

    def test_unknown_and_malformed(self, client):
        response = client.get(f"/countries/{MISSING_ID}")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        response = client.get("/countries/TR")
        assert (response.status_code, response.json()) == (400, invalid("id must be a UUID"))


class TestUpdateCountry:
    def test_admin_changes_the_fields_sent_and_merges_names(self, client, admin):
        turkey = add(client, admin)
        response = client.patch(f"/countries/{turkey['id']}", headers=admin.headers, json={
            "countryName": "Turkey", "i18n": {"ar": {"countryName": "الجمهورية التركية"}}})
        assert response.status_code == 200
        assert response.json() == {**turkey, "countryName": "Turkey", "i18n": {
            "ar": {"countryName": "الجمهورية التركية"}, "en": {"countryName": "Turkey"}}}
        assert client.get(f"/countries/{turkey['id']}").json() == response.json()

    def test_code_taken(self, client, admin):
        turkey = add(client, admin)
        add(client, admin, countryCode="OM", countryName="Oman")
        response = client.patch(f"/countries/{turkey['id']}", headers=admin.headers, json={"countryCode": "om"})
        assert (response.status_code, response.json()) == (409, TAKEN)
        same = client.patch(f"/countries/{turkey['id']}", headers=admin.headers, json={"countryCode": "tr"})
        assert same.status_code == 200

    def test_admins_only(self, client, admin, member):
        turkey = add(client, admin)
        response = client.patch(f"/countries/{turkey['id']}", headers=member.headers, json={"countryName": "X"})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        assert client.get(f"/countries/{turkey['id']}").json() == turkey

    def test_unknown(self, client, admin):
        response = client.patch(f"/countries/{MISSING_ID}", headers=admin.headers, json={"countryName": "X"})
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    @pytest.mark.parametrize("body, messages", [
        pytest.param({}, ["body must have at least 1 properties"], id="empty"),
        pytest.param({"countryName": None}, ["countryName must be a string"], id="null"),
        pytest.param({"id": MISSING_ID}, ["property id should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, admin, body, messages):
        turkey = add(client, admin)
        response = client.patch(f"/countries/{turkey['id']}", headers=admin.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        assert client.patch(f"/countries/{MISSING_ID}", json={"countryName": "X"}).json() == UNAUTHORIZED


class TestDeleteCountry:
    def test_removes_it_and_its_settings_others_keep_no_country(self, client, make, admin, member):
        country = make.country("TR", "Türkiye")
        client.patch(f"/users/{member.id}", headers=member.headers, json={"countryId": str(country.id)})
        company = make.company(member.user, countryId=str(country.id))
        client.post("/country-settings", headers=admin.headers, json={"countryId": str(country.id), "key": "currency", "value": "TRY"})
        address = client.post("/user-addresses", headers=member.headers, json={
            "street": "Main St 1", "city": "Istanbul", "postalCode": "34000", "countryId": str(country.id)}).json()
        response = client.delete(f"/countries/{country.id}", headers=admin.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.country_deleted"})
        assert client.get(f"/countries/{country.id}").json() == NOT_FOUND
        assert client.get(f"/users/{member.id}", headers=member.headers).json()["country"] is None
        assert client.get(f"/companies/{company.id}", headers=member.headers).json()["countryId"] is None
        assert client.get(f"/user-addresses/user/{member.id}", headers=member.headers).json() == [
            {**address, "countryId": None, "country": None}]
        with database.reading() as session:
            assert session.query(CountrySetting).filter_by(country_id=country.id).count() == 0

    def test_admins_only(self, client, make, member):
        country = make.country()
        response = client.delete(f"/countries/{country.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_unknown(self, client, admin):
        response = client.delete(f"/countries/{MISSING_ID}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_needs_a_token(self, client):
        assert client.delete(f"/countries/{MISSING_ID}").json() == UNAUTHORIZED


class TestPutSetting:
    def test_new_then_replaced(self, client, make, admin):
        country = make.country("TR")
        response = client.post("/country-settings", headers=admin.headers,
                               json={"countryId": str(country.id), "key": "currency", "value": "TRY"})
        assert response.status_code == 201
        created = response.json()
        assert created == {**stamps(created), "countryId": str(country.id), "country": {"id": str(country.id)},
                           "key": "currency", "value": "TRY"}
        again = client.post("/country-settings", headers=admin.headers,
                            json={"countryId": str(country.id), "key": "currency", "value": "ليرة"})
        assert again.status_code == 200
        assert again.json() == {**created, "value": "ليرة", "updatedAt": again.json()["updatedAt"]}
        assert client.get(f"/country-settings/{country.id}").json() == [again.json()]

    def test_unknown_country(self, client, admin):
        response = client.post("/country-settings", headers=admin.headers,
                               json={"countryId": MISSING_ID, "key": "currency", "value": "TRY"})
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_admins_only(self, client, make, member):
        country = make.country()
        response = client.post("/country-settings", headers=member.headers,
                               json={"countryId": str(country.id), "key": "currency", "value": "TRY"})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    @pytest.mark.parametrize("change, messages", [
        pytest.param({"key": "a b"}, ["key must match ^[A-Za-z0-9_.-]{1,100}$ regular expression"], id="key"),
        pytest.param({"value": 5}, ["value must be a string"], id="value"),
        pytest.param({"countryId": None}, ["countryId must be a string"], id="country"),
        pytest.param({"country": {"id": MISSING_ID}}, ["property country should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, admin, change, messages):
        response = client.post("/country-settings", headers=admin.headers,
                               json={"countryId": MISSING_ID, "key": "currency", "value": "TRY", **change})
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        response = client.post("/country-settings", json={"countryId": MISSING_ID, "key": "k", "value": "v"})
        assert response.json() == UNAUTHORIZED


class TestListSettings:
    def test_public_by_key_only_that_country(self, client, make, admin):
        country, other = make.country("TR"), make.country("OM")
        made = {key: client.post("/country-settings", headers=admin.headers,
                                 json={"countryId": str(country.id), "key": key, "value": f"v-{key}"}).json()
                for key in ("vat", "currency")}
        client.post("/country-settings", headers=admin.headers, json={"countryId": str(other.id), "key": "vat", "value": "5"})
        response = client.get(f"/country-settings/{country.id}")
        assert (response.status_code, response.json()) == (200, [made["currency"], made["vat"]])
        assert client.get(f"/country-settings/{country.id}?page=2&limit=1").json() == [made["vat"]]

    def test_unknown_country(self, client):
        response = client.get(f"/country-settings/{MISSING_ID}")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_invalid(self, client):
        response = client.get("/country-settings/TR")
        assert (response.status_code, response.json()) == (400, invalid("id must be a UUID"))


class TestDeleteSetting:
    def test_admin_removes_it(self, client, make, admin):
        country = make.country()
        setting = client.post("/country-settings", headers=admin.headers,
                              json={"countryId": str(country.id), "key": "vat", "value": "15"}).json()
        response = client.delete(f"/country-settings/{setting['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (
            200, {"success": True, "messageKey": "messages.country_setting_deleted"})
        assert client.get(f"/country-settings/{country.id}").json() == []
        response = client.delete(f"/country-settings/{setting['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Country setting not found", "Not Found"))

    def test_admins_only(self, client, make, admin, member):
        country = make.country()
        setting = client.post("/country-settings", headers=admin.headers,
                              json={"countryId": str(country.id), "key": "vat", "value": "15"}).json()
        response = client.delete(f"/country-settings/{setting['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_needs_a_token(self, client):
        assert client.delete(f"/country-settings/{MISSING_ID}").json() == UNAUTHORIZED


class TestSeed:
    def test_countries_in_arabic_and_english_companies_addresses_and_messages(self, invare):
        with database.unit_of_work() as uow:
            seed_data.seed(uow.session)
            session = uow.session
            saudi = session.query(Country).filter_by(country_code="SA").one()
            seller = users.find_by_email(session, "seller@invare.example")
            buyer = users.find_by_email(session, "buyer@invare.example")
            assert saudi.i18n == {"ar": {"countryName": "المملكة العربية السعودية"}, "en": {"countryName": "Saudi Arabia"}}
            assert session.query(CountrySetting).filter_by(country_id=saudi.id, key="currency").one().value == "SAR"
            assert session.query(CompanyAddress).count() == 1 and session.query(UserAddress).filter_by(
                user_id=buyer.id, is_default=True).count() == 1
            assert {k.key_name for k in session.query(LocalizationKey)} == {"welcome.title", "listings.empty"}
            assert seller is not None
            uow.commit()
