"""Carrier profiles: a carrier's own profile, the administrators' list, the available carriers."""
import pytest

from tests.invare.conftest import error

PROFILE = {"pricePerTon": 150.0, "pricePerKm": 2.5, "currency": "SAR", "vehicleType": "truck",
           "vehicleBrand": "Mercedes", "vehicleModel": "Actros", "vehicleYear": 2022, "vehiclePlateNumber": "ABC 1234",
           "vehicleCapacityTons": 25.5, "vehicleDescription": "Heavy duty truck", "licenseNumber": "DL-12345678",
           "licenseExpiryDate": "2026-12-31", "isAvailable": True}


def create(client, who, **changes):
    return client.post("/carrier-profiles", headers=who.headers, json={**PROFILE, **changes})


class TestCreateProfile:
    def test_a_carrier_creates_theirs(self, client, carrier):
        response = create(client, carrier)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == {**PROFILE, "pricePerTon": 150, "id": body["id"],
                        "user": {"id": carrier.id, "email": carrier.user.email, "firstName": "John", "lastName": "Doe"},
                        "createdAt": body["createdAt"], "updatedAt": body["updatedAt"]}

    def test_a_second_is_409(self, client, carrier):
        create(client, carrier)
        response = create(client, carrier)
        assert (response.status_code, response.json()) == (409, error(409, "Carrier profile already exists", "Conflict"))

    def test_not_a_carrier_403(self, client, member):
        response = create(client, member)
        assert (response.status_code, response.json()) == (403, error(403, "Only carriers can have a carrier profile", "Forbidden"))

    @pytest.mark.parametrize("changes", [{"vehicleYear": "new"}, {"currency": "riyal"}, {"licenseExpiryDate": "soon"},
                                         {"pricePerTon": -1}, {"colour": "red"}])
    def test_bad_input_400(self, client, carrier, changes):
        assert create(client, carrier, **changes).status_code == 400

    def test_cents_are_multiples_of_a_cent(self, client, carrier):
        # 7105.23 / 0.01 is 710522.9999999999 in binary floating point; in the decimals the JSON wrote it is exact
        response = create(client, carrier, vehicleCapacityTons=7105.23, pricePerKm=0.07)
        assert response.status_code == 201, response.text
        assert (response.json()["vehicleCapacityTons"], response.json()["pricePerKm"]) == (7105.23, 0.07)

    def test_a_fraction_of_a_cent_400(self, client, carrier):
        response = create(client, carrier, vehicleCapacityTons=7105.235)
        assert (response.status_code, response.json()["message"]) == (400, ["7105.235 is not a multiple of 0.01"])

    def test_without_a_token_401(self, client):
        assert client.post("/carrier-profiles", json=PROFILE).status_code == 401


class TestGetMine:
    def test_mine(self, client, carrier):
        created = create(client, carrier).json()
        assert client.get("/carrier-profiles/me", headers=carrier.headers).json() == created

    def test_none_404(self, client, carrier):
        response = client.get("/carrier-profiles/me", headers=carrier.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Carrier profile not found", "Not Found"))

    def test_without_a_token_401(self, client):
        assert client.get("/carrier-profiles/me").status_code == 401


class TestListProfiles:
    def test_administrators_see_all(self, client, admin, carrier):
        created = create(client, carrier).json()
        assert created["id"] in [p["id"] for p in client.get("/carrier-profiles?limit=1000", headers=admin.headers).json()]

    def test_others_403(self, client, carrier):
        assert client.get("/carrier-profiles", headers=carrier.headers).status_code == 403

    def test_without_a_token_401(self, client):
        assert client.get("/carrier-profiles").status_code == 401


class TestListAvailable:
    def test_only_available_carriers(self, client, make, member, carrier):
        busy = make.member(make.carrier())
        available = create(client, carrier).json()
        unavailable = create(client, busy, isAvailable=False).json()
        ids = [p["id"] for p in client.get("/carrier-profiles/available?limit=1000", headers=member.headers).json()]
        assert available["id"] in ids and unavailable["id"] not in ids

    def test_without_a_token_401(self, client):
        assert client.get("/carrier-profiles/available").status_code == 401


class TestUpdateMine:
    def test_only_the_fields_sent_change(self, client, carrier):
        create(client, carrier)
        response = client.patch("/carrier-profiles/me", headers=carrier.headers, json={"isAvailable": False, "pricePerKm": 3})
        assert response.status_code == 200
        assert (response.json()["isAvailable"], response.json()["pricePerKm"], response.json()["vehicleType"]) == (False, 3, "truck")

    def test_none_404(self, client, carrier):
        assert client.patch("/carrier-profiles/me", headers=carrier.headers, json={"isAvailable": False}).status_code == 404

    def test_not_a_carrier_403(self, client, member):
        assert client.patch("/carrier-profiles/me", headers=member.headers, json={"isAvailable": False}).status_code == 403

    def test_bad_input_400(self, client, carrier):
        create(client, carrier)
        assert client.patch("/carrier-profiles/me", headers=carrier.headers, json={"isAvailable": "no"}).status_code == 400

    def test_without_a_token_401(self, client):
        assert client.patch("/carrier-profiles/me", json={}).status_code == 401


class TestDeleteMine:
    def test_deleted(self, client, carrier):
        create(client, carrier)
        response = client.delete("/carrier-profiles/me", headers=carrier.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.carrier_profile_deleted"})
        assert client.get("/carrier-profiles/me", headers=carrier.headers).status_code == 404

    def test_none_404(self, client, carrier):
        assert client.delete("/carrier-profiles/me", headers=carrier.headers).status_code == 404

    def test_not_a_carrier_403(self, client, member):
        assert client.delete("/carrier-profiles/me", headers=member.headers).status_code == 403

    def test_without_a_token_401(self, client):
        assert client.delete("/carrier-profiles/me").status_code == 401
