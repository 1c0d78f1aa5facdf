"""A listing's photos and attributes, and update requests decided by the seller."""
import uuid

import pytest

from tests.invare.catalog import listing, material
from tests.invare.conftest import error

UNKNOWN = str(uuid.uuid4())


@pytest.fixture
def own(client, admin, make, member):
    """A published listing the member sells, as the web client sends it (their company and themselves)."""
    company = make.company(member.user)
    return listing(client, member, material(client, admin)["id"], sellerCompanyId=str(company.id),
                   sellerUserId=member.id, status="active")


class TestAddPhoto:
    def test_first_is_primary_then_moves(self, client, member, own):
        first = client.post("/listings/photos", headers=member.headers, json={"listingId": own["id"], "url": "u1"})
        assert (first.status_code, first.json()) == (201, {"id": first.json()["id"], "listingId": own["id"], "url": "u1",
                                                           "isPrimary": True, "sortOrder": 0})
        second = client.post("/listings/photos", headers=member.headers,
                             json={"listingId": own["id"], "url": "u2", "sortOrder": 1, "isPrimary": True}).json()
        photos = client.get(f"/listings/{own['id']}/photos", headers=member.headers).json()
        assert [(p["id"], p["isPrimary"]) for p in photos] == [(first.json()["id"], False), (second["id"], True)]

    def test_another_users_listing(self, client, other_member, own):
        response = client.post("/listings/photos", headers=other_member.headers, json={"listingId": own["id"], "url": "u"})
        assert (response.status_code, response.json()) == (403, error(403, "You can only manage your own listings", "Forbidden"))
        assert client.post("/listings/photos", json={"listingId": own["id"], "url": "u"}).status_code == 401

    def test_invalid_and_unknown(self, client, member):
        assert client.post("/listings/photos", headers=member.headers, json={"listingId": UNKNOWN}).status_code == 400
        response = client.post("/listings/photos", headers=member.headers, json={"listingId": UNKNOWN, "url": "u"})
        assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))


class TestListPhotos:
    def test_unknown_listing_and_token(self, client, member):
        assert client.get(f"/listings/{UNKNOWN}/photos", headers=member.headers).status_code == 404
        assert client.get(f"/listings/{UNKNOWN}/photos").status_code == 401


class TestMakePrimary:
    def test_one_primary(self, client, member, other_member, own):
        a = client.post("/listings/photos", headers=member.headers, json={"listingId": own["id"], "url": "a"}).json()
        b = client.post("/listings/photos", headers=member.headers, json={"listingId": own["id"], "url": "b", "sortOrder": 1}).json()
        assert client.patch(f"/listings/photos/{b['id']}/primary", headers=other_member.headers).status_code == 403
        response = client.patch(f"/listings/photos/{b['id']}/primary", headers=member.headers)
        assert (response.status_code, response.json()["isPrimary"]) == (200, True)
        assert [p["isPrimary"] for p in client.get(f"/listings/{own['id']}", headers=member.headers).json()["photos"]] == [False, True]
        assert a["isPrimary"] is True
        response = client.patch(f"/listings/photos/{UNKNOWN}/primary", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Photo not found", "Not Found"))


class TestDeletePhoto:
    def test_primary_passes_on(self, client, member, other_member, own):
        a = client.post("/listings/photos", headers=member.headers, json={"listingId": own["id"], "url": "a"}).json()
        client.post("/listings/photos", headers=member.headers, json={"listingId": own["id"], "url": "b", "sortOrder": 1})
        assert client.delete(f"/listings/photos/{a['id']}", headers=other_member.headers).status_code == 403
        response = client.delete(f"/listings/photos/{a['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.photo_deleted"})
        assert [(p["url"], p["isPrimary"]) for p in client.get(f"/listings/{own['id']}").json()["photos"]] == [("b", True)]
        assert client.delete(f"/listings/photos/{a['id']}", headers=member.headers).status_code == 404


class TestAttributes:
    def test_add_list_delete(self, client, member, other_member, own):
        response = client.post("/listings/attributes", headers=member.headers,
                               json={"listingId": own["id"], "attrKey": "اللون", "attrValue": "فضي"})
        made = response.json()
        assert (response.status_code, made) == (201, {"id": made["id"], "listingId": own["id"], "attrKey": "اللون",
                                                       "attrValue": "فضي", "name": "اللون", "value": "فضي"})
        assert client.get(f"/listings/{own['id']}/attributes", headers=other_member.headers).json() == [made]
        assert client.delete(f"/listings/attributes/{made['id']}", headers=other_member.headers).status_code == 403
        assert client.delete(f"/listings/attributes/{made['id']}", headers=member.headers).json() == {
            "success": True, "messageKey": "messages.attribute_deleted"}
        response = client.delete(f"/listings/attributes/{made['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Attribute not found", "Not Found"))

    def test_gone_with_their_listing(self, client, member, own):
        attribute = client.post("/listings/attributes", headers=member.headers,
                                json={"listingId": own["id"], "attrKey": "k", "attrValue": "v"}).json()
        photo = client.post("/listings/photos", headers=member.headers, json={"listingId": own["id"], "url": "a"}).json()
        assert client.delete(f"/listings/{own['id']}", headers=member.headers).status_code == 200
        response = client.delete(f"/listings/attributes/{attribute['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Attribute not found", "Not Found"))
        assert client.delete(f"/listings/photos/{photo['id']}", headers=member.headers).status_code == 404

    def test_invalid_and_others(self, client, member, other_member, own):
        assert client.post("/listings/attributes", headers=member.headers,
                           json={"listingId": own["id"], "attrKey": ""}).status_code == 400
        assert client.post("/listings/attributes", headers=other_member.headers,
                           json={"listingId": own["id"], "attrKey": "k", "attrValue": "v"}).status_code == 403
        assert client.get(f"/listings/{own['id']}/attributes").status_code == 401


class TestUpdateRequests:
    def test_propose_see_approve(self, client, member, other_member, make, own):
        response = client.post("/listings/update-requests", headers=other_member.headers,
                               json={"listingId": own["id"], "title": "Updated title", "stockAmount": 900,
                                     "materials_states": ["crushed"], "i18n": {"ar": {"title": "عنوان محدث"}}})
        assert response.status_code == 201
        made = response.json()
        assert made == {"id": made["id"], "listingId": own["id"], "requestedById": other_member.id,
                        "payload": {"title": "Updated title", "stockAmount": 900, "materials_states": ["crushed"],
                                    "i18n": {"ar": {"title": "عنوان محدث"}}},
                        "status": "pending", "reason": None,
                        "requestedBy": {"id": other_member.id, "email": other_member.user.email, "firstName": "Grace",
                                        "lastName": "Hopper"},
                        "listing": {"id": own["id"], "title": "Aluminum Scrap"},
                        "createdAt": made["createdAt"], "updatedAt": made["updatedAt"]}
        assert client.get(f"/listings/{own['id']}").json()["title"] == "Aluminum Scrap"
        third = make.member()
        assert client.get(f"/listings/update-requests/listing/{own['id']}", headers=third.headers).json() == []
        assert [r["id"] for r in client.get(f"/listings/update-requests/listing/{own['id']}?status=pending",
                                            headers=other_member.headers).json()] == [made["id"]]
        assert [r["id"] for r in client.get("/listings/update-requests/seller?status=pending&page=1&limit=20",
                                            headers=member.headers).json()] == [made["id"]]
        assert client.get("/listings/update-requests/seller", headers=other_member.headers).json() == []
        response = client.post(f"/listings/update-requests/{made['id']}/approve", headers=other_member.headers, json={})
        assert (response.status_code, response.json()) == (
            403, error(403, "Only the listing seller can approve or reject update requests", "Forbidden"))
        response = client.post(f"/listings/update-requests/{made['id']}/approve", headers=member.headers, json={})
        assert (response.status_code, response.json()["status"]) == (200, "approved")
        changed = client.get(f"/listings/{own['id']}").json()
        assert (changed["title"], changed["stockAmount"], changed["i18n"]["ar"]["title"]) == ("Updated title", 900, "عنوان محدث")
        again = client.post(f"/listings/update-requests/{made['id']}/reject", headers=member.headers, json={"reason": "x"})
        assert (again.status_code, again.json()) == (409, error(409, "Update request is not pending", "Conflict"))

    def test_reject(self, client, member, other_member, own):
        made = client.post("/listings/update-requests", headers=other_member.headers,
                           json={"listingId": own["id"], "stockAmount": 1}).json()
        response = client.post(f"/listings/update-requests/{made['id']}/reject", headers=member.headers,
                               json={"reason": "Not acceptable"})
        assert (response.json()["status"], response.json()["reason"]) == ("rejected", "Not acceptable")
        assert client.get(f"/listings/{own['id']}").json()["stockAmount"] == 1000

    def test_errors(self, client, member, own):
        assert client.post("/listings/update-requests", json={"listingId": own["id"]}).status_code == 401
        assert client.post("/listings/update-requests", headers=member.headers,
                           json={"listingId": own["id"], "stockAmount": -5}).status_code == 400
        assert client.post("/listings/update-requests", headers=member.headers,
                           json={"listingId": UNKNOWN}).status_code == 404
        assert client.post("/listings/update-requests", headers=member.headers,
                           json={"listingId": own["id"], "startingPrice": 2.555}).status_code == 400
        price = client.post("/listings/update-requests", headers=member.headers,
                            json={"listingId": own["id"], "startingPrice": "2.5"}).json()["payload"]
        assert price == {"startingPrice": "2.50"}
        response = client.post(f"/listings/update-requests/{UNKNOWN}/approve", headers=member.headers, json={})
        assert (response.status_code, response.json()) == (404, error(404, "Update request not found", "Not Found"))
        assert client.get(f"/listings/update-requests/listing/{UNKNOWN}", headers=member.headers).status_code == 404
        assert client.get("/listings/update-requests/seller?status=done", headers=member.headers).status_code == 400
