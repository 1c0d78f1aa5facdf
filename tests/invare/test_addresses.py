"""Addresses: a company's (its owner) and a user's own; administrators all; anyone else's is 403, never data."""
import pytest

from models.invare import addresses, database
from tests.invare.conftest import error, invalid
from tests.invare.orgs_support import MISSING_ID, country_ref, stamps

UNAUTHORIZED = error(401, "Unauthorized", "Unauthorized")
OWN_COMPANIES = error(403, "You can only manage your own companies", "Forbidden")
OWN_ADDRESSES = error(403, "You can only manage your own addresses", "Forbidden")
NOT_FOUND = error(404, "Address not found", "Not Found")
DELETED = {"success": True, "messageKey": "messages.address_deleted"}
ADDRESS = {"street": "Main St 1", "city": "Istanbul", "postalCode": "34000"}


def defaults(model, owner_column, owner_id):
    with database.reading() as session:
        rows = session.scalars(addresses.select(model).where(owner_column == owner_id)).unique().all()
        return {str(a.id): a.is_default for a in rows}


class TestCreateCompanyAddress:
    def test_owner_adds_one(self, client, make, member):
        company, country = make.company(member.user), make.country("TR", "Türkiye")
        response = client.post("/company-addresses", headers=member.headers, json={
            **ADDRESS, "state": "", "countryId": str(country.id), "isDefault": True, "companyId": str(company.id)})
        assert response.status_code == 201
        body = response.json()
        assert body == {**stamps(body), "street": "Main St 1", "city": "Istanbul", "state": None, "postalCode": "34000",
                        "countryId": str(country.id), "country": country_ref(country), "isDefault": True,
                        "companyId": str(company.id)}

    def test_one_default_per_company(self, client, make, member, admin):
        company, other = make.company(member.user), make.company(member.user)
        first = client.post("/company-addresses", headers=member.headers,
                            json={**ADDRESS, "isDefault": True, "companyId": str(company.id)}).json()
        elsewhere = client.post("/company-addresses", headers=member.headers,
                                json={**ADDRESS, "isDefault": True, "companyId": str(other.id)}).json()
        second = client.post("/company-addresses", headers=admin.headers,
                             json={**ADDRESS, "state": "Marmara", "isDefault": True, "companyId": str(company.id)}).json()
        third = client.post("/company-addresses", headers=member.headers,
                            json={**ADDRESS, "companyId": str(company.id)}).json()
        assert defaults(addresses.CompanyAddress, addresses.CompanyAddress.company_id, company.id) == {
            first["id"]: False, second["id"]: True, third["id"]: False}
        assert defaults(addresses.CompanyAddress, addresses.CompanyAddress.company_id, other.id) == {elsewhere["id"]: True}
        assert second["state"] == "Marmara"

    def test_another_users_company(self, client, make, member, other_member):
        company = make.company(other_member.user)
        response = client.post("/company-addresses", headers=member.headers, json={**ADDRESS, "companyId": str(company.id)})
        assert (response.status_code, response.json()) == (403, OWN_COMPANIES)
        assert defaults(addresses.CompanyAddress, addresses.CompanyAddress.company_id, company.id) == {}

    def test_unknown_company_or_country(self, client, make, member):
        response = client.post("/company-addresses", headers=member.headers, json={**ADDRESS, "companyId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, error(404, "Company not found", "Not Found"))
        company = make.company(member.user)
        response = client.post("/company-addresses", headers=member.headers,
                               json={**ADDRESS, "companyId": str(company.id), "countryId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, error(404, "Country not found", "Not Found"))

    @pytest.mark.parametrize("change, messages", [
        pytest.param({"street": None}, ["street must be a string"], id="null street"),
        pytest.param({"city": " "}, ["city should not be empty"], id="blank city"),
        pytest.param({"isDefault": "yes"}, ["isDefault must be a boolean value"], id="flag"),
        pytest.param({"companyId": "acme"}, ["companyId must be a UUID"], id="company id"),
        pytest.param({"country": "TR"}, ["property country should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, make, member, change, messages):
        company = make.company(member.user)
        response = client.post("/company-addresses", headers=member.headers,
                               json={**ADDRESS, "companyId": str(company.id), **change})
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_missing_fields(self, client, member):
        response = client.post("/company-addresses", headers=member.headers, json={"street": "x"})
        assert response.status_code == 400
        assert sorted(response.json()["message"]) == ["city should not be empty", "companyId should not be empty",
                                                      "postalCode should not be empty"]

    def test_needs_a_token(self, client):
        assert client.post("/company-addresses", json={**ADDRESS, "companyId": MISSING_ID}).json() == UNAUTHORIZED


class TestListCompanyAddresses:
    def test_default_first_then_newest(self, client, make, member, admin):
        company = make.company(member.user)
        made = [client.post("/company-addresses", headers=member.headers,
                            json={**ADDRESS, "street": f"St {n}", "isDefault": n == 1, "companyId": str(company.id)}).json()
                for n in range(3)]
        expected = [made[1], made[2], made[0]]
        for who in (member, admin):
            response = client.get(f"/company-addresses/company/{company.id}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, expected)
        page = client.get(f"/company-addresses/company/{company.id}?page=2&limit=2", headers=member.headers).json()
        assert page == [made[0]]

    def test_another_users_company(self, client, make, member, other_member):
        company = make.company(other_member.user)
        client.post("/company-addresses", headers=other_member.headers, json={**ADDRESS, "companyId": str(company.id)})
        response = client.get(f"/company-addresses/company/{company.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_COMPANIES)

    def test_unknown_and_invalid(self, client, member):
        response = client.get(f"/company-addresses/company/{MISSING_ID}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Company not found", "Not Found"))
        response = client.get("/company-addresses/company/x", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("companyId must be a UUID"))
        response = client.get(f"/company-addresses/company/{MISSING_ID}?limit=x", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("limit must be an integer number"))

    def test_needs_a_token(self, client):
        assert client.get(f"/company-addresses/company/{MISSING_ID}").json() == UNAUTHORIZED


class TestDeleteCompanyAddress:
    def make_address(self, client, owner, company, **fields):
        return client.post("/company-addresses", headers=owner.headers,
                           json={**ADDRESS, "companyId": str(company.id), **fields}).json()

    def test_owner_and_admin(self, client, make, member, admin):
        company = make.company(member.user)
        for who in (member, admin):
            address = self.make_address(client, member, company, isDefault=True)
            response = client.delete(f"/company-addresses/{address['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, DELETED)
        assert client.get(f"/company-addresses/company/{company.id}", headers=member.headers).json() == []

    def test_another_users_address(self, client, make, member, other_member):
        company = make.company(other_member.user)
        address = self.make_address(client, other_member, company)
        response = client.delete(f"/company-addresses/{address['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_COMPANIES)
        assert client.get(f"/company-addresses/company/{company.id}", headers=other_member.headers).json() == [address]

    def test_unknown_and_malformed(self, client, member):
        assert client.delete(f"/company-addresses/{MISSING_ID}", headers=member.headers).json() == NOT_FOUND
        response = client.delete("/company-addresses/1", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("id must be a UUID"))

    def test_a_user_address_id_is_not_a_company_address(self, client, member):
        address = client.post("/user-addresses", headers=member.headers, json=ADDRESS).json()
        assert client.delete(f"/company-addresses/{address['id']}", headers=member.headers).json() == NOT_FOUND

    def test_gone_with_its_company(self, client, make, member):
        company = make.company(member.user)
        address = self.make_address(client, member, company)
        assert client.delete(f"/companies/{company.id}", headers=member.headers).status_code == 200
        response = client.delete(f"/company-addresses/{address['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_needs_a_token(self, client):
        assert client.delete(f"/company-addresses/{MISSING_ID}").json() == UNAUTHORIZED


class TestCreateUserAddress:
    def test_own_address_defaults_to_the_caller(self, client, make, member):
        country = make.country("SA", "Saudi Arabia")
        for body in ({**ADDRESS, "countryId": str(country.id), "isDefault": False, "userId": member.id},
                     {**ADDRESS, "countryId": str(country.id)}):
            response = client.post("/user-addresses", headers=member.headers, json=body)
            assert response.status_code == 201
            assert response.json() == {**stamps(response.json()), "street": "Main St 1", "city": "Istanbul",
                                       "postalCode": "34000", "countryId": str(country.id), "country": country_ref(country),
                                       "isDefault": False, "userId": member.id}

    def test_one_default_per_user(self, client, member, admin):
        first = client.post("/user-addresses", headers=member.headers, json={**ADDRESS, "isDefault": True}).json()
        second = client.post("/user-addresses", headers=admin.headers,
                             json={**ADDRESS, "isDefault": True, "userId": member.id}).json()
        assert second["userId"] == member.id
        assert defaults(addresses.UserAddress, addresses.UserAddress.user_id, member.user.id) == {
            first["id"]: False, second["id"]: True}

    def test_someone_elses(self, client, member, other_member):
        response = client.post("/user-addresses", headers=member.headers, json={**ADDRESS, "userId": other_member.id})
        assert (response.status_code, response.json()) == (403, OWN_ADDRESSES)
        assert defaults(addresses.UserAddress, addresses.UserAddress.user_id, other_member.user.id) == {}

    def test_unknown_user_or_country(self, client, member, admin):
        response = client.post("/user-addresses", headers=admin.headers, json={**ADDRESS, "userId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))
        response = client.post("/user-addresses", headers=member.headers, json={**ADDRESS, "countryId": MISSING_ID})
        assert (response.status_code, response.json()) == (404, error(404, "Country not found", "Not Found"))

    @pytest.mark.parametrize("change, messages", [
        pytest.param({"postalCode": ""}, ["postalCode should not be empty"], id="empty postal code"),
        pytest.param({"street": "x" * 301}, ["street must be shorter than or equal to 300 characters"], id="long"),
        pytest.param({"userId": 7}, ["userId must be a string"], id="user id"),
        pytest.param({"state": "Riyadh"}, ["property state should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, member, change, messages):
        response = client.post("/user-addresses", headers=member.headers, json={**ADDRESS, **change})
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_needs_a_token(self, client):
        assert client.post("/user-addresses", json=ADDRESS).json() == UNAUTHORIZED


class TestListUserAddresses:
    def test_own_and_admin(self, client, member, other_member, admin):
        made = [client.post("/user-addresses", headers=member.headers, json={**ADDRESS, "street": f"St {n}"}).json()
                for n in range(2)]
        client.post("/user-addresses", headers=other_member.headers, json=ADDRESS)
        for who in (member, admin):
            response = client.get(f"/user-addresses/user/{member.id}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, [made[1], made[0]])
        assert client.get(f"/user-addresses/user/{member.id}?limit=1", headers=member.headers).json() == [made[1]]

    def test_someone_elses(self, client, member, other_member):
        client.post("/user-addresses", headers=other_member.headers, json=ADDRESS)
        response = client.get(f"/user-addresses/user/{other_member.id}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_ADDRESSES)

    def test_unknown_and_invalid(self, client, admin):
        response = client.get(f"/user-addresses/user/{MISSING_ID}", headers=admin.headers)
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))
        response = client.get(f"/user-addresses/user/{admin.id}?page=0", headers=admin.headers)
        assert (response.status_code, response.json()) == (400, invalid("page must not be less than 1"))

    def test_needs_a_token(self, client, member):
        assert client.get(f"/user-addresses/user/{member.id}").json() == UNAUTHORIZED


class TestDeleteUserAddress:
    def test_own_and_admin(self, client, member, admin):
        for who in (member, admin):
            address = client.post("/user-addresses", headers=member.headers, json=ADDRESS).json()
            response = client.delete(f"/user-addresses/{address['id']}", headers=who.headers)
            assert (response.status_code, response.json()) == (200, DELETED)
        assert client.get(f"/user-addresses/user/{member.id}", headers=member.headers).json() == []

    def test_someone_elses(self, client, member, other_member):
        address = client.post("/user-addresses", headers=other_member.headers, json=ADDRESS).json()
        response = client.delete(f"/user-addresses/{address['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (403, OWN_ADDRESSES)
        assert client.get(f"/user-addresses/user/{other_member.id}", headers=other_member.headers).json() == [address]

    def test_unknown_and_malformed(self, client, member):
        assert client.delete(f"/user-addresses/{MISSING_ID}", headers=member.headers).json() == NOT_FOUND
        response = client.delete("/user-addresses/abc", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("id must be a UUID"))

    def test_needs_a_token(self, client):
        assert client.delete(f"/user-addresses/{MISSING_ID}").json() == UNAUTHORIZED
