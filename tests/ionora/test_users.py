"""Profile and addresses (tag User)."""
import uuid

import pytest

from tests.ionora.conftest import bearer

NO_TOKEN = {"message": "Authentication token missing."}
GONE = "00000000-0000-4000-8000-000000000000"


def address_body(**overrides):
    return {"full_address": "123 Street", "city": "Mumbai", "state": "MH", "pincode": "400001",
            "country": "India", **overrides}


class TestGetProfile:
    def test_returns_the_user(self, client, make):
        user = make.user(email="me@example.com", full_name="Me Myself", phone="12345")
        response = client.get("/api/user/profile", headers=bearer(user))
        assert response.status_code == 200
        assert response.json()["user"] == {
            "id": str(user.id), "email": "me@example.com", "full_name": "Me Myself", "phone": "12345",
            "email_verified": False, "created_at": response.json()["user"]["created_at"],
            "updated_at": response.json()["user"]["updated_at"], "last_login": None}

    def test_no_token_is_401(self, client):
        assert (client.get("/api/user/profile").json()) == NO_TOKEN


class TestUpdateProfile:
    def test_updates_the_given_fields(self, client, make):
        user = make.user(full_name="Old Name", phone="11111")
        response = client.put("/api/user/profile", headers=bearer(user), json={"full_name": "New Name"})
        assert response.status_code == 200
        assert (response.json()["user"]["full_name"], response.json()["user"]["phone"]) == ("New Name", "11111")

    @pytest.mark.parametrize("body, param", [
        pytest.param({}, None, id="no fields"),
        pytest.param({"full_name": ""}, "full_name", id="empty name"),
        pytest.param({"phone": "12"}, "phone", id="short phone"),
        pytest.param({"email": "x@example.com"}, "email", id="email not editable"),
    ])
    def test_invalid_body_is_400(self, client, make, body, param):
        response = client.put("/api/user/profile", headers=make.headers(), json=body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == param

    def test_no_token_is_401(self, client):
        assert client.put("/api/user/profile", json={"full_name": "X"}).status_code == 401


class TestListAddresses:
    def test_lists_own_addresses_newest_first(self, client, make):
        user, other = make.user(), make.user()
        first = make.address(user, city="Pune")
        second = make.address(user, city="Delhi", is_default=True)
        make.address(other)
        response = client.get("/api/user/addresses", headers=bearer(user))
        assert response.status_code == 200
        found = response.json()["addresses"]
        assert [a["id"] for a in found] == [str(second.id), str(first.id)]
        assert found[0] == {"id": str(second.id), "address_type": "shipping", "full_address": "123 Street",
                            "city": "Delhi", "state": "MH", "pincode": "400001", "country": "India",
                            "is_default": True, "created_at": found[0]["created_at"]}

    def test_no_token_is_401(self, client):
        assert client.get("/api/user/addresses").status_code == 401


class TestCreateAddress:
    def test_creates_with_defaults(self, client, make):
        response = client.post("/api/user/address", headers=make.headers(), json=address_body())
        assert response.status_code == 201
        address = response.json()["address"]
        assert (address["address_type"], address["is_default"]) == ("shipping", False)
        uuid.UUID(address["id"])

    def test_a_new_default_demotes_the_others(self, client, make):
        user = make.user()
        old = make.address(user, is_default=True)
        response = client.post("/api/user/address", headers=bearer(user),
                               json=address_body(is_default=True, address_type="home"))
        assert response.status_code == 201
        defaults = {a["id"]: a["is_default"] for a in client.get("/api/user/addresses", headers=bearer(user)
                                                                 ).json()["addresses"]}
        assert defaults == {response.json()["address"]["id"]: True, str(old.id): False}

    @pytest.mark.parametrize("drop, extra, param", [
        pytest.param("city", {}, "city", id="missing city"),
        pytest.param("full_address", {}, "full_address", id="missing address"),
        pytest.param(None, {"address_type": "castle"}, "address_type", id="bad type"),
        pytest.param(None, {"pincode": "  "}, "pincode", id="blank pincode"),
        pytest.param(None, {"user_id": GONE}, "user_id", id="unknown field"),
    ])
    def test_invalid_body_is_400(self, client, make, drop, extra, param):
        body = address_body(**extra)
        body.pop(drop, None)
        response = client.post("/api/user/address", headers=make.headers(), json=body)
        assert response.status_code == 400
        assert {e["param"] for e in response.json()["errors"]} == {param}

    def test_no_token_is_401(self, client):
        assert client.post("/api/user/address", json=address_body()).status_code == 401


class TestUpdateAddress:
    def test_updates_and_demotes_other_defaults(self, client, make):
        user = make.user()
        first = make.address(user, is_default=True)
        second = make.address(user)
        response = client.put(f"/api/user/address/{second.id}", headers=bearer(user),
                              json={"is_default": True, "city": "Pune"})
        assert response.status_code == 200
        assert (response.json()["address"]["city"], response.json()["address"]["is_default"]) == ("Pune", True)
        listed = {a["id"]: a["is_default"] for a in client.get("/api/user/addresses", headers=bearer(user)
                                                               ).json()["addresses"]}
        assert listed == {str(first.id): False, str(second.id): True}

    def test_no_fields_is_400(self, client, make):
        user = make.user()
        address = make.address(user)
        response = client.put(f"/api/user/address/{address.id}", headers=bearer(user), json={})
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] is None

    def test_another_users_address_is_404(self, client, make):
        address = make.address(make.user())
        response = client.put(f"/api/user/address/{address.id}", headers=make.headers(), json={"city": "X"})
        assert (response.status_code, response.json()) == (404, {"message": "Address not found."})

    def test_non_uuid_id_is_400(self, client, make):
        response = client.put("/api/user/address/123", headers=make.headers(), json={"city": "X"})
        assert response.status_code == 400
        assert response.json()["errors"][0] == {"type": "field", "value": "123", "msg": response.json()["errors"][0]["msg"],
                                                "path": "id", "param": "id", "location": "path"}

    def test_no_token_is_401(self, client):
        assert client.put(f"/api/user/address/{GONE}", json={"city": "X"}).status_code == 401


class TestDeleteAddress:
    def test_deletes_own_address(self, client, make):
        user = make.user()
        address = make.address(user)
        response = client.delete(f"/api/user/address/{address.id}", headers=bearer(user))
        assert (response.status_code, response.json()) == (200, {"message": "Address deleted successfully."})
        assert client.get("/api/user/addresses", headers=bearer(user)).json() == {"addresses": []}

    def test_another_users_address_is_404(self, client, make):
        address = make.address(make.user())
        response = client.delete(f"/api/user/address/{address.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, {"message": "Address not found."})

    def test_address_of_an_order_is_409(self, client, make):
        user = make.user()
        order = make.order(user)
        response = client.delete(f"/api/user/address/{order.shipping_address_id}", headers=bearer(user))
        assert (response.status_code, response.json()) == (
            409, {"message": "Address is used by an order and cannot be deleted."})

    def test_no_token_is_401(self, client):
        assert client.delete(f"/api/user/address/{GONE}").status_code == 401
