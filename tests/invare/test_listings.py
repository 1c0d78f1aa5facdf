"""Listings: creating (sellers, status rules, photos, attributes, translations, notifications), browsing
with every filter, the caller's own lists, one listing, changes and deletion by the seller."""
import uuid

import pytest
from sqlalchemy import select

from models.invare import database
from models.invare.notifications import Notification
from tests.invare.catalog import LISTING, category, listing, material
from tests.invare.conftest import error, invalid

UNKNOWN = str(uuid.uuid4())


@pytest.fixture
def mat(client, admin):
    return material(client, admin, category(client, admin)["id"])


class TestCreateListing:
    def test_exact_body_company_seller_keeps_status(self, client, make, member, mat):
        company = make.company(member.user)
        body = {**LISTING, "status": "active", "condition": "first_grade", "materialColor": "blue",
                "materials_states": ["crushed", "water"], "expiresAt": "2030-12-31T00:00:00Z", "materialId": mat["id"],
                "sellerCompanyId": str(company.id), "sellerUserId": member.id,
                "photos": [{"url": "https://cdn.example.com/a.jpg", "sortOrder": 1},
                           {"url": "https://cdn.example.com/b.jpg", "isPrimary": True, "sortOrder": 0},
                           {"url": "https://cdn.example.com/c.jpg", "isPrimary": True, "sortOrder": 2}],
                "attributes": [{"attrKey": "النقاء", "attrValue": "98%"}],
                "i18n": {"ar": {"title": "خردة ألمنيوم", "description": "مواد نظيفة"}}}
        response = client.post("/listings", headers=member.headers, json=body)
        assert response.status_code == 201, response.text
        made = response.json()
        photos = made.pop("photos")
        attributes = made.pop("attributes")
        assert made == {
            "id": made["id"], "title": "Aluminum Scrap", "description": "Clean materials", "unitOfMeasure": "ton",
            "startingPrice": "2.50", "stockAmount": 1000, "status": "active", "condition": "first_grade",
            "materialColor": "blue", "materialColorHex": "#dbeafe", "materials_states": ["crushed", "water"],
            "expiresAt": "2030-12-31T00:00:00.000Z", "isBiddable": True, "materialId": mat["id"],
            "sellerCompanyId": str(company.id), "sellerUserId": member.id, "material": mat,
            "seller": {"id": str(company.id), "companyName": company.company_name},
            "sellerUser": {"id": member.id, "email": member.user.email, "firstName": "Ada", "lastName": "Lovelace"},
            "i18n": {"ar": {"title": "خردة ألمنيوم", "description": "مواد نظيفة"}},
            "createdAt": made["createdAt"], "updatedAt": made["updatedAt"]}
        assert [(p["url"][-5:], p["isPrimary"], p["sortOrder"]) for p in photos] == [
            ("b.jpg", True, 0), ("a.jpg", False, 1), ("c.jpg", False, 2)]
        assert [(a["attrKey"], a["attrValue"], a["name"], a["value"]) for a in attributes] == [
            ("النقاء", "98%", "النقاء", "98%")]

    def test_company_without_status_is_draft(self, client, make, member, mat):
        company = make.company(member.user)
        assert listing(client, member, mat["id"], sellerCompanyId=str(company.id))["status"] == "draft"

    def test_user_seller_status_by_role(self, client, admin, member, mat):
        assert listing(client, member, mat["id"], status="active")["status"] == "draft"
        assert listing(client, admin, mat["id"], status="draft")["status"] == "active"

    def test_no_seller_means_the_caller(self, client, member, mat):
        response = client.post("/listings", headers=member.headers, json={**LISTING, "materialId": mat["id"]})
        assert response.json()["sellerUserId"] == member.id

    def test_favoriters_are_notified(self, client, admin, member, other_member, mat):
        client.post(f"/materials/{mat['id']}/favorite", headers=other_member.headers)
        made = listing(client, member, mat["id"])
        with database.reading() as session:
            rows = session.scalars(select(Notification).where(Notification.user_id == other_member.user.id)).all()
        assert [(n.type, n.title, n.data) for n in rows] == [
            ("material_listing_added", "New listing for your favorite material",
             {"listingId": made["id"], "materialId": mat["id"]})]

    def test_someone_elses_company_or_user(self, client, make, member, other_member, mat):
        company = make.company(other_member.user)
        response = client.post("/listings", headers=member.headers,
                               json={**LISTING, "materialId": mat["id"], "sellerCompanyId": str(company.id)})
        assert (response.status_code, response.json()) == (403, error(403, "You can only sell for your own company", "Forbidden"))
        response = client.post("/listings", headers=member.headers,
                               json={**LISTING, "materialId": mat["id"], "sellerUserId": other_member.id})
        assert (response.status_code, response.json()) == (403, error(403, "You can only sell as yourself", "Forbidden"))

    @pytest.mark.parametrize("change, messages", [
        ({"unitOfMeasure": "kg"}, ["unitOfMeasure must be one of the following values: ton, liter, piece"]),
        ({"condition": "new"}, ["condition must be one of the following values: first_grade, second_grade, third_grade"]),
        ({"stockAmount": -1}, ["stockAmount must not be less than 0"]),
        ({"extra": 1}, ["property extra should not exist"]),
    ])
    def test_invalid(self, client, member, mat, change, messages):
        response = client.post("/listings", headers=member.headers, json={**LISTING, "materialId": mat["id"], **change})
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    @pytest.mark.parametrize("price", ["2.555", 2.5, 221445465355.50897, -1, "-1"])
    def test_invalid_price(self, client, member, mat, price):
        response = client.post("/listings", headers=member.headers,
                               json={**LISTING, "materialId": mat["id"], "startingPrice": price})
        assert (response.status_code, response.json()) == (
            400, invalid("startingPrice is not valid under any of the given schemas"))

    @pytest.mark.parametrize("price, stored", [("2.5", "2.50"), ("0", "0.00"), (3, "3.00"), (999999999999, "999999999999.00")])
    def test_price_a_decimal_string_or_a_whole_number(self, client, member, mat, price, stored):
        response = client.post("/listings", headers=member.headers,
                               json={**LISTING, "materialId": mat["id"], "startingPrice": price})
        assert (response.status_code, response.json()["startingPrice"]) == (201, stored)

    def test_unknown_material_and_no_token(self, client, member):
        response = client.post("/listings", headers=member.headers, json={**LISTING, "materialId": UNKNOWN})
        assert (response.status_code, response.json()) == (404, error(404, "Material not found", "Not Found"))
        assert client.post("/listings", json={**LISTING, "materialId": UNKNOWN}).status_code == 401


class TestListListings:
    def test_filters(self, client, admin, make, member, other_member):
        metals, plastics = category(client, admin), category(client, admin, name="Plastics")
        alu, pet = material(client, admin, metals["id"]), material(client, admin, plastics["id"], name="PET")
        company = make.company(member.user)
        a = listing(client, member, alu["id"], sellerCompanyId=str(company.id), status="active", condition="first_grade",
                    materialColor="red")
        b = listing(client, other_member, pet["id"], isBiddable=False)
        c = listing(client, admin, alu["id"], expiresAt="2001-01-01T00:00:00Z")

        def ids(query):  # as an administrator, who sees every status
            response = client.get(f"/listings?{query}", headers=admin.headers)
            assert response.status_code == 200, response.text
            return [x["id"] for x in response.json() if x["id"] in (a["id"], b["id"], c["id"])]
        assert ids("") == [c["id"], b["id"], a["id"]]
        assert ids(f"categoryId={metals['id']}") == [c["id"], a["id"]]
        assert ids(f"materialId={pet['id']}") == [b["id"]]
        assert ids(f"companyId={company.id}") == [a["id"]]
        assert ids(f"userId={other_member.id}") == [b["id"]]
        assert ids("isBiddable=false") == [b["id"]]
        assert ids("condition=first_grade&materialColor=red") == [a["id"]]
        assert ids("status=draft") == [b["id"]]
        assert ids("onlyActive=true&page=1&limit=10") == [a["id"]]

    def test_unpublished_only_for_the_seller_side_and_administrators(self, client, make, admin, member, other_member, mat):
        company = make.company(member.user)
        made = {status: listing(client, admin, mat["id"], sellerCompanyId=str(company.id), status=status)["id"]
                for status in ("active", "draft", "pending", "expired", "closed", "cancelled")}
        own_draft = listing(client, other_member, mat["id"])["id"]  # a user selling as themselves: draft

        def seen(headers, query=""):
            response = client.get(f"/listings?limit=1000{query}", headers=headers)
            assert response.status_code == 200, response.text
            return {x["id"] for x in response.json()} & {*made.values(), own_draft}
        published = {made["active"], made["expired"], made["closed"]}
        assert seen({}) == published
        assert seen({"Authorization": "Bearer not-a-token"}) == published
        assert seen(other_member.headers) == published | {own_draft}
        assert seen(member.headers) == set(made.values())  # the owner of the seller company
        assert seen(admin.headers) == {*made.values(), own_draft}
        assert seen({}, "&status=draft") == set()
        assert seen(member.headers, "&status=draft") == {made["draft"]}

    def test_lang(self, client, admin, member, mat):
        listing(client, admin, mat["id"], i18n={"ar": {"title": "خردة"}})
        found = client.get("/listings?lang=ar&limit=1").json()[0]
        assert (found["title"], found["unitOfMeasure"], found["material"]["name"], "i18n" in found) == (
            "خردة", "طن", "ألمنيوم", False)

    def test_bad_filter(self, client):
        assert client.get("/listings?status=sold").status_code == 400
        assert client.get("/listings?materialColor=pink").status_code == 400


class TestMyListings:
    def test_me_user_company(self, client, make, member, mat):
        own = listing(client, member, mat["id"])
        assert [x["id"] for x in client.get("/listings/me", headers=member.headers).json()] == [own["id"]]
        company = make.company(member.user)
        sold = listing(client, member, mat["id"], sellerCompanyId=str(company.id), status="active")
        assert [x["id"] for x in client.get("/listings/me", headers=member.headers).json()] == [sold["id"]]
        assert [x["id"] for x in client.get("/listings/me/company", headers=member.headers).json()] == [sold["id"]]
        assert [x["id"] for x in client.get("/listings/me/user?page=1&limit=10&status=draft", headers=member.headers).json()] == [own["id"]]

    def test_sign_in_needed(self, client):
        for path in ("/listings/me", "/listings/me/user", "/listings/me/company"):
            assert client.get(path).status_code == 401


class TestGetListing:
    def test_public(self, client, admin, mat):
        made = listing(client, admin, mat["id"])
        assert made["status"] == "active"
        assert client.get(f"/listings/{made['id']}").json() == made

    def test_a_draft_only_for_its_seller_and_administrators(self, client, admin, member, other_member, mat):
        made = listing(client, member, mat["id"])
        assert made["status"] == "draft"
        for headers in ({}, other_member.headers, {"Authorization": "Bearer not-a-token"}):
            response = client.get(f"/listings/{made['id']}", headers=headers)
            assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))
        for who in (member, admin):
            assert client.get(f"/listings/{made['id']}", headers=who.headers).json() == made

    def test_photos_and_attributes_of_a_draft_only_for_its_seller_and_administrators(self, client, admin, member,
                                                                                       other_member, mat):
        made = listing(client, member, mat["id"])
        for part in ("photos", "attributes"):
            response = client.get(f"/listings/{made['id']}/{part}", headers=other_member.headers)
            assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))
            for who in (member, admin):
                assert client.get(f"/listings/{made['id']}/{part}", headers=who.headers).status_code == 200

    def test_not_found(self, client):
        response = client.get(f"/listings/{UNKNOWN}")
        assert (response.status_code, response.json()) == (404, error(404, "Listing not found", "Not Found"))


class TestUpdateListing:
    def test_seller_changes(self, client, member, mat):
        made = listing(client, member, mat["id"])
        response = client.patch(f"/listings/{made['id']}", headers=member.headers,
                                json={"description": "Updated", "stockAmount": 900, "startingPrice": "3",
                                      "i18n": {"ar": {"title": "عنوان محدث"}}})
        assert response.status_code == 200
        body = response.json()
        assert (body["description"], body["stockAmount"], body["startingPrice"], body["i18n"]) == (
            "Updated", 900, "3.00", {"ar": {"title": "عنوان محدث"}})

    def test_company_owner_and_admin_toggle_status(self, client, make, admin, member, mat):
        company = make.company(member.user)
        made = listing(client, admin, mat["id"], sellerCompanyId=str(company.id), status="active")
        assert client.patch(f"/listings/{made['id']}", headers=member.headers, json={"status": "draft"}).json()["status"] == "draft"
        assert client.patch(f"/listings/{made['id']}", headers=admin.headers, json={"status": "active"}).json()["status"] == "active"

    def test_another_users_listing(self, client, member, other_member, mat):
        made = listing(client, member, mat["id"])
        response = client.patch(f"/listings/{made['id']}", headers=other_member.headers, json={"title": "Mine"})
        assert (response.status_code, response.json()) == (403, error(403, "You can only manage your own listings", "Forbidden"))
        assert client.patch(f"/listings/{made['id']}", json={"title": "Mine"}).status_code == 401

    def test_invalid(self, client, member, mat):
        made = listing(client, member, mat["id"])
        response = client.patch(f"/listings/{made['id']}", headers=member.headers, json={"materials_states": ["wet"]})
        assert response.status_code == 400


class TestDeleteListing:
    def test_seller_deletes(self, client, member, mat):
        made = listing(client, member, mat["id"], photos=[{"url": "u"}], attributes=[{"attrKey": "k", "attrValue": "v"}])
        response = client.delete(f"/listings/{made['id']}", headers=member.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.listing_deleted"})
        assert client.get(f"/listings/{made['id']}").status_code == 404

    def test_another_users_listing(self, client, member, other_member, mat):
        made = listing(client, member, mat["id"])
        assert client.delete(f"/listings/{made['id']}", headers=other_member.headers).status_code == 403
        assert client.delete(f"/listings/{made['id']}").status_code == 401
