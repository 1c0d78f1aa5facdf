"""Companies: a user owns companies; administrators manage all; anyone else's company is 403, never data."""
import pytest

from models.invare import companies, database
from tests.invare.conftest import error, invalid, user_json
from tests.invare.orgs_support import MISSING_ID, company_json, country_ref, reload_company, stamps

UNAUTHORIZED = error(401, "Unauthorized", "Unauthorized")
FORBIDDEN = error(403, "Forbidden resource", "Forbidden")
OWN_ONLY = error(403, "You can only manage your own companies", "Forbidden")
ADMIN_ONLY = error(403, "Only administrators can set verificationStatus or ownerId", "Forbidden")
NOT_FOUND = error(404, "Company not found", "Not Found")
COUNTRY_NOT_FOUND = error(404, "Country not found", "Not Found")


class TestCreateCompany:
    BODY = {"companyName": "Acme Inc", "vatNumber": "TR1234567", "website": "acme.com", "verificationStatus": "pending"}

    def test_the_caller_owns_a_pending_company(self, client, make, member):
        country = make.country("TR", "Türkiye")
        response = client.post("/companies", headers=member.headers, json={**self.BODY, "countryId": str(country.id)})
        assert response.status_code == 201
        body = response.json()
        assert body == {**stamps(body), "companyName": "Acme Inc", "vatNumber": "TR1234567", "website": "acme.com",
                        "verificationStatus": "pending", "countryId": str(country.id), "country": country_ref(country),
                        "owner": {"id": member.id, "email": member.user.email, "firstName": "Ada", "lastName": "Lovelace"}}
        assert body == company_json(reload_company(body["id"]))

    def test_admin_companies_are_verified_and_may_name_an_owner(self, client, admin, member):
        response = client.post("/companies", headers=admin.headers, json={"companyName": "Beta", "ownerId": member.id})
        assert response.status_code == 201
        assert (response.json()["verificationStatus"], response.json()["owner"]["id"]) == ("verified", member.id)
        rejected = client.post("/companies", headers=admin.headers, json={"companyName": "C", "verificationStatus": "rejected"})
        assert (rejected.json()["verificationStatus"], rejected.json()["owner"]["id"]) == ("rejected", admin.id)

    @pytest.mark.parametrize("change", [{"verificationStatus": "verified"}, {"ownerId": MISSING_ID}],
                             ids=["verify own", "someone else as owner"])
    def test_only_admins_verify_or_pick_the_owner(self, client, make, member, change):
        response = client.post("/companies", headers=member.headers, json={**self.BODY, **change})
        assert (response.status_code, response.json()) == (403, ADMIN_ONLY)
        assert client.get("/companies/me", headers=member.headers).json() == []

    def test_naming_oneself_as_owner_is_fine(self, client, member):
        response = client.post("/companies", headers=member.headers, json={"companyName": "Mine", "ownerId": member.id})
        assert response.status_code == 201

    def test_unknown_country(self, client, member):
        response = client.post("/companies", headers=member.headers, json={**self.BODY, "countryId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, COUNTRY_NOT_FOUND)

    def test_unknown_owner(self, client, admin):
        response = client.post("/companies", headers=admin.headers, json={"companyName": "X", "ownerId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))

    @pytest.mark.parametrize("body, messages", [
        pytest.param({}, ["companyName should not be empty"], id="missing name"),
        pytest.param({"companyName": "  "}, ["companyName should not be empty"], id="blank"),
        pytest.param({"companyName": "A", "verificationStatus": "approved"},
                     ["verificationStatus must be one of the following values: pending, verified, rejected"], id="status"),
        pytest.param({"companyName": "A", "countryId": "TR"}, ["countryId must be a UUID"], id="country id"),
        pytest.param({"companyName": "A", "owner": "me"}, ["property owner should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, member, body, messages):
        response = client.post("/companies", headers=member.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        assert client.post("/companies", json=self.BODY).json() == UNAUTHORIZED


class TestAdminCreateCompanyAndUser:
    BODY = {"email": "newuser@example.com", "firstName": "Ada", "lastName": "Lovelace", "phone": "+90 555 000 0000",
            "companyName": "Acme Inc", "vatNumber": "TR1234567", "website": "acme.com"}

    def test_a_verified_company_and_its_owner(self, client, make, admin):
        sa, tr = make.country("SA"), make.country("TR", "Türkiye")
        response = client.post("/companies/admin/create-company-and-user", headers=admin.headers, json={
            **self.BODY, "userCountryId": str(sa.id), "companyCountryId": str(tr.id)})
        assert response.status_code == 201
        body = response.json()
        user = make.reload(type("U", (), {"id": body["user"]["id"]}))
        assert body == {"user": user_json(user), "company": company_json(reload_company(body["company"]["id"]))}
        assert (user.email, user.phone, user.country_id, user.is_admin) == ("newuser@example.com", "+90 555 000 0000", sa.id,
                                                                           False)
        assert (body["company"]["verificationStatus"], body["company"]["countryId"], body["company"]["owner"]["id"]) == (
            "verified", str(tr.id), str(user.id))

    def test_email_taken_changes_nothing(self, client, admin, member):
        response = client.post("/companies/admin/create-company-and-user", headers=admin.headers,
                               json={**self.BODY, "email": member.user.email})
        assert (response.status_code, response.json()) == (409, error(409, "Email already exists", "Conflict"))
        assert client.get("/companies", headers=admin.headers, params={"search": "acme inc"}).json() == []

    def test_unknown_company_country(self, client, admin):
        response = client.post("/companies/admin/create-company-and-user", headers=admin.headers,
                               json={**self.BODY, "companyCountryId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, COUNTRY_NOT_FOUND)

    def test_admins_only(self, client, member, carrier):
        for who in (member, carrier):
            response = client.post("/companies/admin/create-company-and-user", headers=who.headers, json=self.BODY)
            assert (response.status_code, response.json()) == (403, FORBIDDEN)

    @pytest.mark.parametrize("change, messages", [
        pytest.param({"email": "nope"}, ["email must be an email"], id="email"),
        pytest.param({"companyName": None}, ["companyName must be a string"], id="null name"),
        pytest.param({"countryId": MISSING_ID}, ["property countryId should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, admin, change, messages):
        response = client.post("/companies/admin/create-company-and-user", headers=admin.headers, json={**self.BODY, **change})
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        assert client.post("/companies/admin/create-company-and-user", json=self.BODY).json() == UNAUTHORIZED


class TestListCompanies:
    def test_admins_see_every_company_newest_first_paged(self, client, make, admin, member, other_member):
        made = [make.company(member.user), make.company(other_member.user), make.company(member.user)]
        everyone = client.get("/companies", headers=admin.headers).json()
        assert [c["id"] for c in everyone[:3]] == [str(c.id) for c in reversed(made)]
        assert everyone[0] == company_json(made[-1])
        pages = [client.get(f"/companies?page={n}&limit=2", headers=admin.headers).json() for n in (1, 2)]
        assert [c["id"] for c in pages[0] + pages[1]] == [c["id"] for c in everyone[:4]]

    def test_others_see_only_their_own(self, client, make, member, other_member):
        mine = make.company(member.user)
        make.company(other_member.user)
        assert client.get("/companies", headers=member.headers).json() == [company_json(mine)]

    def test_search_and_status(self, client, make, admin, member):
        wanted = make.company(member.user, companyName="Green_Metals 100%", verified=True)
        make.company(member.user, companyName="Other")
        for params in ({"search": "METALS"}, {"search": "_metals 100%"}, {"search": "green", "verificationStatus": "verified"}):
            assert [c["id"] for c in client.get("/companies", headers=admin.headers, params=params).json()] == [str(wanted.id)]
        assert client.get("/companies", headers=admin.headers, params={"search": "green", "verificationStatus": "pending"}).json() == []
        assert client.get("/companies", headers=admin.headers, params={"search": "%"}).json() == [company_json(wanted)]

    @pytest.mark.parametrize("query, messages", [
        pytest.param("page=0", ["page must not be less than 1"], id="page 0"),
        pytest.param("limit=1001", ["limit must not be greater than 1000"], id="limit"),
        pytest.param("verificationStatus=ok", ["verificationStatus must be one of the following values: pending, verified, rejected"],
                     id="status"),
        pytest.param("sort=name", ["property sort should not exist"], id="unknown parameter"),
    ])
    def test_invalid_query(self, client, admin, query, messages):
        response = client.get(f"/companies?{query}", headers=admin.headers)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        assert client.get("/companies").json() == UNAUTHORIZED


class TestMyCompanies:
    def test_oldest_first_only_mine(self, client, make, member, other_member):
        first, second = make.company(member.user), make.company(member.user)
        make.company(other_member.user)
        response = client.get("/companies/me", headers=member.headers)
        assert (response.status_code, response.json()) == (200, [company_json(first), company_json(second)])
        assert client.get("/companies/me?limit=1&page=2", headers=member.headers).json() == [company_json(second)]

    def test_none(self, client, member):
        assert client.get("/companies/me", headers=member.headers).json() == []

    def test_invalid_query(self, client, member):
        response = client.get("/companies/me?limit=0", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("limit must not be less than 1"))

    def test_needs_a_token(self, client):
        assert client.get("/companies/me").json() == UNAUTHORIZED


class TestGetCompany:
    def test_owner_and_admin(self, client, make, member, admin):
        company = make.company(member.user)
        for who in (member, admin):
            response = client.get(f"/companies/{company.id}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, company_json(company))

    def test_another_users_company(self, client, make, member, other_member):
        company = make.company(other_member.user)
        response = client.get(f"/companies/{company.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_ONLY)

    def test_unknown_and_malformed(self, client, admin):
        assert client.get(f"/companies/{MISSING_ID}", headers=admin.headers).json() == NOT_FOUND
        response = client.get("/companies/42", headers=admin.headers)
        assert (response.status_code, response.json()) == (400, invalid("id must be a UUID"))

    def test_needs_a_token(self, client, make, member):
        assert client.get(f"/companies/{make.company(member.user).id}").json() == UNAUTHORIZED


class TestUpdateCompany:
    def test_owner_changes_the_fields_sent(self, client, make, member):
        company = make.company(member.user, vatNumber="TR1", website="a.com")
        country = make.country("OM", "Oman")
        response = client.patch(f"/companies/{company.id}", headers=member.headers, json={
            "companyName": " Renamed ", "website": None, "countryId": str(country.id)})
        assert response.status_code == 200
        assert response.json() == company_json(company)
        assert {k: response.json()[k] for k in ("companyName", "vatNumber", "website", "countryId")} == {
            "companyName": "Renamed", "vatNumber": "TR1", "website": None, "countryId": str(country.id)}

    def test_admin_verifies_and_hands_over(self, client, make, admin, member, other_member):
        company = make.company(member.user)
        response = client.patch(f"/companies/{company.id}", headers=admin.headers,
                                json={"verificationStatus": "verified", "ownerId": other_member.id})
        assert response.status_code == 200
        assert (response.json()["verificationStatus"], response.json()["owner"]["id"]) == ("verified", other_member.id)
        assert response.json() == company_json(company)

    @pytest.mark.parametrize("change", [{"verificationStatus": "verified"}, {"ownerId": MISSING_ID}], ids=["verify", "give away"])
    def test_owners_cannot_verify_or_give_away(self, client, make, member, change):
        company = make.company(member.user)
        response = client.patch(f"/companies/{company.id}", headers=member.headers, json={"companyName": "X", **change})
        assert (response.status_code, response.json()) == (403, ADMIN_ONLY)
        assert reload_company(company.id).company_name == company.company_name

    def test_another_users_company(self, client, make, member, other_member):
        company = make.company(other_member.user)
        for body in ({"companyName": "Mine now"}, {"verificationStatus": "verified"}):
            response = client.patch(f"/companies/{company.id}", headers=member.headers, json=body)
            assert (response.status_code, response.json()) == (403, OWN_ONLY)
        assert reload_company(company.id).company_name == company.company_name

    def test_unknown(self, client, admin, member):
        assert client.patch(f"/companies/{MISSING_ID}", headers=admin.headers, json={"companyName": "X"}).json() == NOT_FOUND
        company_id = client.post("/companies", headers=member.headers, json={"companyName": "A"}).json()["id"]
        response = client.patch(f"/companies/{company_id}", headers=member.headers, json={"countryId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, COUNTRY_NOT_FOUND)

    @pytest.mark.parametrize("body, messages", [
        pytest.param({}, ["body must have at least 1 properties"], id="empty"),
        pytest.param({"companyName": None}, ["companyName must be a string"], id="null name"),
        pytest.param({"website": "x" * 2049}, ["website must be shorter than or equal to 2048 characters"], id="long"),
        pytest.param({"owner": {"id": MISSING_ID}}, ["property owner should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, make, member, body, messages):
        company = make.company(member.user)
        response = client.patch(f"/companies/{company.id}", headers=member.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client, make, member):
        company = make.company(member.user)
        assert client.patch(f"/companies/{company.id}", json={"companyName": "X"}).json() == UNAUTHORIZED


class TestDeleteCompany:
    def test_owner_removes_it_with_its_addresses(self, client, make, member):
        company = make.company(member.user)
        client.post("/company-addresses", headers=member.headers,
                    json={"street": "Main St 1", "city": "Riyadh", "postalCode": "1", "companyId": str(company.id)})
        response = client.delete(f"/companies/{company.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.company_deleted"})
        assert client.get(f"/companies/{company.id}", headers=member.headers).json() == NOT_FOUND
        assert client.get(f"/company-addresses/company/{company.id}", headers=member.headers).json() == NOT_FOUND

    def test_admin_removes_any(self, client, make, admin, member):
        company = make.company(member.user)
        assert client.delete(f"/companies/{company.id}", headers=admin.headers).status_code == 200

    def test_another_users_company(self, client, make, member, other_member):
        company = make.company(other_member.user)
        response = client.delete(f"/companies/{company.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_ONLY)
        assert reload_company(company.id) is not None

    def test_unknown(self, client, admin):
        response = client.delete(f"/companies/{MISSING_ID}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_needs_a_token(self, client, make, member):
        assert client.delete(f"/companies/{make.company(member.user).id}").json() == UNAUTHORIZED


class TestOwnershipHelpers:
    """What other areas call: a user's companies (oldest first) and a company the caller may manage."""

    def test_owned_companies_and_manageable_company(self, make, member, other_member):
        from models.errors import Forbidden
        from models.invare.callers import Caller

        first, second = make.company(member.user), make.company(member.user)
        theirs = make.company(other_member.user)
        caller = Caller(member.user.id, member.user.email)
        with database.reading() as session:
            assert [c.id for c in companies.owned_companies(session, member.id)] == [first.id, second.id]
            assert companies.manageable_company(session, caller=caller, company_id=first.id).id == first.id
            with pytest.raises(Forbidden):
                companies.manageable_company(session, caller=caller, company_id=theirs.id)
