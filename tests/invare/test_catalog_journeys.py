"""The web client's journeys 1-4 (sign-up, interests, browse, sell) over HTTP, as it sends them."""
import io

from PIL import Image

from tests.invare.catalog import category, material
from tests.invare.conftest import sign_in


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 120, 30)).save(out, "PNG")
    return out.getvalue()


def test_sign_up_interests_browse_and_sell(client, mail, admin):
    # catalog an administrator set up
    metals = category(client, admin)
    alu = material(client, admin, metals["id"])
    ad = client.post("/advertisements", headers=admin.headers,
                     json={"imageUrl": "https://cdn.example.com/b.jpg", "expiresAt": "2030-01-01T00:00:00Z"}).json()

    # 1. sign-up
    email = "journey-seller@example.com"
    response = client.post("/auth/register/user", json={"email": email, "firstName": "Sara", "lastName": "Ali",
                                                        "registerType": "email"})
    assert response.status_code == 201, response.text
    signed = sign_in(client, mail, email)
    headers = {"Authorization": f"Bearer {signed['accessToken']}"}
    me = client.get("/auth/me", headers=headers).json()
    me = me.get("user", me)
    company = client.post("/auth/register/company", headers=headers,
                          json={"companyName": "Sara Recycling", "vatNumber": "SA1", "website": "sara.example"})
    assert company.status_code == 201, company.text
    company_id = company.json().get("id") or company.json()["company"]["id"]

    # 2. interests
    categories = client.get("/material-categories?lang=ar").json()
    assert metals["id"] in [c["id"] for c in categories]
    materials = client.get(f"/materials?categoryId={metals['id']}&lang=ar").json()
    assert [m["name"] for m in materials] == ["ألمنيوم"]
    assert client.post(f"/materials/{alu['id']}/favorite", headers=headers).status_code == 201
    assert [m["id"] for m in client.get("/materials/favorites?lang=ar", headers=headers).json()] == [alu["id"]]

    # 4. sell: photo upload, listing with both seller ids, my listings, change and delete
    url = client.post("/uploads/image", headers=headers, files={"file": ("p.png", png(), "image/png")}).json()["url"]
    body = {"title": "Aluminum Scrap", "description": "Clean", "unitOfMeasure": "ton", "startingPrice": "2.50",
            "stockAmount": 10, "status": "active", "isBiddable": True, "materialId": alu["id"],
            "photos": [{"url": url, "isPrimary": True, "sortOrder": 0}],
            "attributes": [{"attrKey": "النقاء", "attrValue": "98%"}],
            "i18n": {"en": {"title": "Aluminum Scrap", "description": "Clean"}, "ar": {"title": "خردة", "description": "نظيف"}},
            "sellerUserId": me["id"], "sellerCompanyId": company_id}
    created = client.post("/listings", headers=headers, json=body)
    assert created.status_code == 201, created.text
    listing = created.json()
    assert (listing["status"], listing["photos"][0]["url"], listing["sellerCompanyId"]) == ("active", url, company_id)
    mine = client.get("/listings/me/user?page=1&limit=10&status=active", headers=headers).json()
    assert [x["id"] for x in mine] == [listing["id"]] and mine[0]["i18n"]["ar"]["title"] == "خردة"

    # 3. browse, anonymously
    assert ad["id"] in [a["id"] for a in client.get("/advertisements?activeOnly=true").json()]
    assert alu["id"] in [m["id"] for m in client.get("/materials?limit=100").json()]
    page = client.get(f"/listings?page=1&limit=10&onlyActive=true&categoryId={metals['id']}&lang=en").json()
    assert [x["id"] for x in page] == [listing["id"]]
    detail = client.get(f"/listings/{listing['id']}?lang=ar").json()
    assert (detail["title"], detail["unitOfMeasure"], detail["material"]["name"]) == ("خردة", "طن", "ألمنيوم")

    # 4 (end). change, then delete
    changed = client.patch(f"/listings/{listing['id']}", headers=headers, json={"stockAmount": 5, "status": "draft"})
    assert (changed.json()["stockAmount"], changed.json()["status"]) == (5, "draft")
    assert client.get("/listings?onlyActive=true&limit=1000").json() == [] or listing["id"] not in [
        x["id"] for x in client.get("/listings?onlyActive=true&limit=1000").json()]
    assert client.delete(f"/listings/{listing['id']}", headers=headers).status_code == 200
    assert client.get("/listings/me/user", headers=headers).json() == []
