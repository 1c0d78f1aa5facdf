"""Material categories, materials and favorites: public reads, administrators' writes, each user's favorites."""
import uuid

import pytest

from tests.invare.catalog import category, material
from tests.invare.conftest import error, invalid

UNKNOWN = str(uuid.uuid4())


class TestCreateCategory:
    def test_admin_creates_with_translations(self, client, admin):
        made = category(client, admin)
        assert made == {"id": made["id"], "name": "Metals", "i18n": {"ar": {"name": "معادن"}, "en": {"name": "Metals"}},
                        "materials": [], "createdAt": made["createdAt"], "updatedAt": made["updatedAt"]}

    @pytest.mark.parametrize("body, messages", [
        ({}, ["name should not be empty"]),
        ({"name": ""}, ["name should not be empty"]),
        ({"name": "Metals", "color": "x"}, ["property color should not exist"]),
        ({"name": "Metals", "i18n": {"fr": {"name": "Métaux"}}}, ["property i18n.fr should not exist"]),
    ])
    def test_invalid(self, client, admin, body, messages):
        response = client.post("/material-categories", headers=admin.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_admins_only(self, client, member):
        assert client.post("/material-categories", json={"name": "x"}).status_code == 401
        response = client.post("/material-categories", headers=member.headers, json={"name": "x"})
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))


class TestListCategories:
    def test_public_with_materials_and_i18n(self, client, admin):
        made = category(client, admin)
        mat = material(client, admin, made["id"])
        found = [c for c in client.get("/material-categories").json() if c["id"] == made["id"]][0]
        assert found["i18n"] == {"ar": {"name": "معادن"}, "en": {"name": "Metals"}}
        assert found["materials"] == [{"id": mat["id"], "name": "Aluminum", "unitOfMeasure": "kg",
                                       "categoryId": made["id"], "createdAt": mat["createdAt"],
                                       "updatedAt": mat["updatedAt"],
                                       "i18n": {"ar": {"name": "ألمنيوم", "unitOfMeasure": "كغم"}}}]

    def test_lang_overrides(self, client, admin):
        made = category(client, admin)
        material(client, admin, made["id"])
        found = [c for c in client.get("/material-categories?lang=ar").json() if c["id"] == made["id"]][0]
        assert (found["name"], "i18n" in found) == ("معادن", False)
        assert (found["materials"][0]["name"], found["materials"][0]["unitOfMeasure"]) == ("ألمنيوم", "كغم")

    def test_unknown_lang(self, client):
        assert client.get("/material-categories?lang=fr").status_code == 400


class TestGetCategory:
    def test_public(self, client, admin):
        made = category(client, admin)
        assert client.get(f"/material-categories/{made['id']}").json() == made

    def test_not_found(self, client):
        response = client.get(f"/material-categories/{UNKNOWN}")
        assert (response.status_code, response.json()) == (404, error(404, "Material category not found", "Not Found"))


class TestUpdateCategory:
    def test_merges_translations(self, client, admin):
        made = category(client, admin)
        response = client.patch(f"/material-categories/{made['id']}", headers=admin.headers,
                                json={"name": "Precious Metals", "i18n": {"ar": {"name": "معادن ثمينة"}}})
        assert response.status_code == 200
        assert (response.json()["name"], response.json()["i18n"]) == (
            "Precious Metals", {"ar": {"name": "معادن ثمينة"}, "en": {"name": "Metals"}})

    def test_admins_only_and_not_found(self, client, admin, member):
        made = category(client, admin)
        assert client.patch(f"/material-categories/{made['id']}", headers=member.headers, json={"name": "x"}).status_code == 403
        assert client.patch(f"/material-categories/{UNKNOWN}", headers=admin.headers, json={"name": "x"}).status_code == 404


class TestDeleteCategory:
    def test_materials_stay_without_category(self, client, admin):
        made = category(client, admin)
        mat = material(client, admin, made["id"])
        response = client.delete(f"/material-categories/{made['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.material_category_deleted"})
        assert client.get(f"/materials/{mat['id']}").json()["category"] is None
        assert client.delete(f"/material-categories/{made['id']}", headers=admin.headers).status_code == 404

    def test_admins_only(self, client, admin, member):
        made = category(client, admin)
        assert client.delete(f"/material-categories/{made['id']}").status_code == 401
        assert client.delete(f"/material-categories/{made['id']}", headers=member.headers).status_code == 403


class TestCreateMaterial:
    def test_admin_creates(self, client, admin):
        cat = category(client, admin)
        made = material(client, admin, cat["id"])
        assert made == {"id": made["id"], "name": "Aluminum", "unitOfMeasure": "kg", "categoryId": cat["id"],
                        "category": {"id": cat["id"], "name": "Metals", "i18n": cat["i18n"],
                                     "createdAt": cat["createdAt"], "updatedAt": cat["updatedAt"]},
                        "i18n": {"ar": {"name": "ألمنيوم", "unitOfMeasure": "كغم"}},
                        "createdAt": made["createdAt"], "updatedAt": made["updatedAt"]}

    @pytest.mark.parametrize("body, messages", [
        ({}, ["name should not be empty"]),
        ({"name": "x", "categoryId": "nope"}, ["categoryId must be a UUID"]),
        ({"name": "x", "extra": 1}, ["property extra should not exist"]),
    ])
    def test_invalid(self, client, admin, body, messages):
        response = client.post("/materials", headers=admin.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    def test_unknown_category(self, client, admin):
        response = client.post("/materials", headers=admin.headers, json={"name": "x", "categoryId": UNKNOWN})
        assert (response.status_code, response.json()) == (404, error(404, "Material category not found", "Not Found"))

    def test_admins_only(self, client, member):
        assert client.post("/materials", json={"name": "x"}).status_code == 401
        assert client.post("/materials", headers=member.headers, json={"name": "x"}).status_code == 403


class TestListMaterials:
    def test_filter_page_and_lang(self, client, admin):
        cat = category(client, admin)
        other = category(client, admin, name="Plastics")
        a = material(client, admin, cat["id"], name="Aluminum")
        b = material(client, admin, cat["id"], name="Brass")
        material(client, admin, other["id"], name="PET")
        assert [m["id"] for m in client.get(f"/materials?categoryId={cat['id']}").json()] == [a["id"], b["id"]]
        assert [m["id"] for m in client.get(f"/materials?categoryId={cat['id']}&page=2&limit=1").json()] == [b["id"]]
        localized = client.get(f"/materials?categoryId={cat['id']}&lang=ar&limit=1").json()[0]
        assert (localized["name"], localized["category"]["name"], "i18n" in localized) == ("ألمنيوم", "معادن", False)

    def test_limit_bounds(self, client):
        assert client.get("/materials?limit=1000").status_code == 200
        assert client.get("/materials?limit=1001").status_code == 400


class TestGetMaterial:
    def test_public_and_localized(self, client, admin):
        made = material(client, admin)
        assert client.get(f"/materials/{made['id']}").json() == made
        assert client.get(f"/materials/{made['id']}?lang=en").json()["name"] == "Aluminum"

    def test_not_found(self, client):
        response = client.get(f"/materials/{UNKNOWN}")
        assert (response.status_code, response.json()) == (404, error(404, "Material not found", "Not Found"))


class TestUpdateMaterial:
    def test_admin_changes(self, client, admin):
        made = material(client, admin)
        response = client.patch(f"/materials/{made['id']}", headers=admin.headers,
                                json={"name": "Copper", "i18n": {"en": {"name": "Copper"}}})
        assert response.json()["name"] == "Copper"
        assert response.json()["i18n"] == {"ar": {"name": "ألمنيوم", "unitOfMeasure": "كغم"}, "en": {"name": "Copper"}}

    def test_admins_only(self, client, admin, member):
        made = material(client, admin)
        assert client.patch(f"/materials/{made['id']}", headers=member.headers, json={"name": "x"}).status_code == 403


class TestDeleteMaterial:
    def test_admin_deletes(self, client, admin):
        made = material(client, admin)
        assert client.delete(f"/materials/{made['id']}", headers=admin.headers).json() == {
            "success": True, "messageKey": "messages.material_deleted"}
        assert client.get(f"/materials/{made['id']}").status_code == 404

    def test_in_use(self, client, admin):
        from tests.invare.catalog import listing
        made = material(client, admin)
        listing(client, admin, made["id"])
        response = client.delete(f"/materials/{made['id']}", headers=admin.headers)
        assert (response.status_code, response.json()) == (409, error(409, "Material is used by listings", "Conflict"))

    def test_admins_only(self, client, admin, member):
        made = material(client, admin)
        assert client.delete(f"/materials/{made['id']}", headers=member.headers).status_code == 403


class TestFavorites:
    def test_favorite_list_and_remove_as_the_client_sends(self, client, admin, member):
        made = material(client, admin)
        response = client.post(f"/materials/{made['id']}/favorite", headers=member.headers)
        assert response.status_code == 201
        link = response.json()
        assert (link["user"]["id"], link["material"]["id"]) == (member.id, made["id"])
        again = client.post(f"/materials/{made['id']}/favorite", headers=member.headers).json()
        assert again["id"] == link["id"]
        assert [m["name"] for m in client.get("/materials/favorites?lang=ar", headers=member.headers).json()] == ["ألمنيوم"]
        response = client.request("DELETE", f"/materials/{made['id']}/favorite", headers=member.headers, json={"materialId": made["id"]})
        assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.favorite_removed"})
        assert client.get("/materials/favorites", headers=member.headers).json() == []


    @pytest.mark.parametrize("body", [True, False], ids=["materialId body", "no body"])
    def test_unfavoriting_what_is_not_a_favorite_is_done_already(self, client, admin, member, body):
        """A material just made (or unfavorited twice) has no favorite of the caller's: removing it is
        done, as the client's second click expects; only an id that is neither is 404."""
        made = material(client, admin)
        for _ in range(2):
            response = client.request("DELETE", f"/materials/{made['id']}/favorite", headers=member.headers,
                                      json={"materialId": made["id"]} if body else None)
            assert (response.status_code, response.json()) == (200, {"success": True, "messageKey": "messages.favorite_removed"})
        response = client.request("DELETE", f"/materials/{UNKNOWN}/favorite", headers=member.headers,
                                  json={"materialId": UNKNOWN} if body else None)
        assert (response.status_code, response.json()) == (404, error(404, "Favorite not found", "Not Found"))

    def test_unfavoriting_leaves_other_users_favorites(self, client, admin, member, other_member):
        made = material(client, admin)
        client.post(f"/materials/{made['id']}/favorite", headers=other_member.headers)
        response = client.request("DELETE", f"/materials/{made['id']}/favorite", headers=member.headers,
                                  json={"materialId": made["id"]})
        assert response.status_code == 200
        assert [m["id"] for m in client.get("/materials/favorites", headers=other_member.headers).json()] == [made["id"]]

    def test_admin_variants(self, client, admin, member):
        a, b = material(client, admin, name="A"), material(client, admin, name="B")
        response = client.post(f"/materials/favorites/user/{member.id}", headers=admin.headers,
                               json={"materialIds": [a["id"], b["id"]]})
        assert (response.status_code, [m["id"] for m in response.json()]) == (201, [a["id"], b["id"]])
        assert [m["id"] for m in client.get(f"/materials/favorites/user/{member.id}", headers=admin.headers).json()] == [
            a["id"], b["id"]]
        link = client.post(f"/materials/{a['id']}/favorite/admin", headers=admin.headers, json={"userId": member.id}).json()
        assert link["user"]["id"] == member.id
        # the admin page: a favorite's id in the path, no body
        assert client.delete(f"/materials/{link['id']}/favorite", headers=admin.headers).status_code == 200
        assert [m["id"] for m in client.get("/materials/favorites", headers=member.headers).json()] == [b["id"]]

    def test_someone_elses_favorite_id_is_not_found(self, client, admin, member, other_member):
        made = material(client, admin)
        link = client.post(f"/materials/{made['id']}/favorite", headers=member.headers).json()
        response = client.delete(f"/materials/{link['id']}/favorite", headers=other_member.headers)
        assert (response.status_code, response.json()) == (404, error(404, "Favorite not found", "Not Found"))
        assert [m["id"] for m in client.get("/materials/favorites", headers=member.headers).json()] == [made["id"]]

    def test_admin_only_variants(self, client, member):
        assert client.get(f"/materials/favorites/user/{member.id}", headers=member.headers).status_code == 403
        assert client.post(f"/materials/favorites/user/{member.id}", headers=member.headers,
                           json={"materialIds": []}).status_code == 403
        assert client.post(f"/materials/{UNKNOWN}/favorite/admin", headers=member.headers,
                           json={"userId": member.id}).status_code == 403

    def test_sign_in_needed_and_unknowns(self, client, admin, member):
        assert client.get("/materials/favorites").status_code == 401
        assert client.post(f"/materials/{UNKNOWN}/favorite").status_code == 401
        assert client.post(f"/materials/{UNKNOWN}/favorite", headers=member.headers).status_code == 404
        response = client.post(f"/materials/favorites/user/{UNKNOWN}", headers=admin.headers, json={"materialIds": []})
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))
