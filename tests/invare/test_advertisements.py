"""Advertisements in the web client's shape (and the reference's): public reads, administrators' writes."""
import uuid

from tests.invare.catalog import listing, material
from tests.invare.conftest import error

UNKNOWN = str(uuid.uuid4())


def ad(client, admin, **fields):
    response = client.post("/advertisements", headers=admin.headers, json={"imageUrl": "https://cdn.example.com/b.jpg", **fields})
    assert response.status_code == 201, response.text
    return response.json()


class TestCreateAd:
    def test_client_shape(self, client, admin):
        item = listing(client, admin, material(client, admin)["id"], startingPrice="1500")
        made = ad(client, admin, listingId=item["id"], expiresAt="2030-01-01T00:00:00Z")
        assert made == {"id": made["id"], "title": None, "imageUrl": "https://cdn.example.com/b.jpg", "linkUrl": None,
                        "listingId": item["id"], "expiresAt": "2030-01-01T00:00:00.000Z", "isActive": True, "active": True,
                        "listing": {"id": item["id"], "title": "Aluminum Scrap", "description": "Clean materials",
                                    "unitOfMeasure": "ton", "startingPrice": "1500.00", "stockAmount": 1000,
                                    "status": "active", "isBiddable": True, "expiresAt": None},
                        "createdAt": made["createdAt"], "updatedAt": made["updatedAt"]}

    def test_reference_shape(self, client, admin):
        made = ad(client, admin, title="Homepage Banner", linkUrl="https://example.com", active=False)
        assert (made["title"], made["linkUrl"], made["active"], made["isActive"], made["listing"]) == (
            "Homepage Banner", "https://example.com", False, False, None)

    def test_errors(self, client, admin, member):
        assert client.post("/advertisements", json={"imageUrl": "x"}).status_code == 401
        assert client.post("/advertisements", headers=member.headers, json={"imageUrl": "x"}).status_code == 403
        assert client.post("/advertisements", headers=admin.headers, json={}).status_code == 400
        response = client.post("/advertisements", headers=admin.headers, json={"imageUrl": "x", "listingId": UNKNOWN})
        assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))


class TestListAds:
    def test_active_only(self, client, admin):
        live = ad(client, admin)
        off = ad(client, admin, isActive=False)
        old = ad(client, admin, expiresAt="2001-01-01T00:00:00Z")
        every = [a["id"] for a in client.get("/advertisements?limit=1000").json()]
        assert {live["id"], off["id"], old["id"]} <= set(every)
        active = [a["id"] for a in client.get("/advertisements?activeOnly=true&limit=1000").json()]
        assert live["id"] in active and off["id"] not in active and old["id"] not in active


class TestGetAd:
    def test_public_and_not_found(self, client, admin):
        made = ad(client, admin)
        assert client.get(f"/advertisements/{made['id']}").json() == made
        response = client.get(f"/advertisements/{UNKNOWN}")
        assert (response.status_code, response.json()) == (404, error(404, "Advertisement not found", "Not Found"))


class TestUpdateAd:
    def test_patch(self, client, admin, member):
        made = ad(client, admin)
        response = client.patch(f"/advertisements/{made['id']}", headers=admin.headers, json={"imageUrl": "new"})
        assert (response.status_code, response.json()["imageUrl"]) == (200, "new")
        assert client.patch(f"/advertisements/{made['id']}", headers=member.headers, json={"imageUrl": "x"}).status_code == 403
        assert client.patch(f"/advertisements/{made['id']}", headers=admin.headers, json={"nope": 1}).status_code == 400


class TestToggleAd:
    def test_toggle(self, client, admin, member):
        made = ad(client, admin)
        assert client.patch(f"/advertisements/{made['id']}/toggle-active", headers=admin.headers).json()["isActive"] is False
        assert client.patch(f"/advertisements/{made['id']}/toggle-active", headers=admin.headers).json()["isActive"] is True
        assert client.patch(f"/advertisements/{made['id']}/toggle-active", headers=member.headers).status_code == 403
        assert client.patch(f"/advertisements/{UNKNOWN}/toggle-active", headers=admin.headers).status_code == 404


class TestDeleteAd:
    def test_delete(self, client, admin, member):
        made = ad(client, admin)
        assert client.delete(f"/advertisements/{made['id']}", headers=member.headers).status_code == 403
        assert client.delete(f"/advertisements/{made['id']}", headers=admin.headers).json() == {
            "success": True, "messageKey": "messages.advertisement_deleted"}
        assert client.delete(f"/advertisements/{made['id']}", headers=admin.headers).status_code == 404
