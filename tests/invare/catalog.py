"""Helpers for the catalog tests: categories, materials and listings made over HTTP as an administrator
or a seller would make them."""

LISTING = {"title": "Aluminum Scrap", "description": "Clean materials", "unitOfMeasure": "ton", "startingPrice": "2.5",
           "stockAmount": 1000, "isBiddable": True}


def category(client, admin, name="Metals", **extra):
    body = {"name": name, "i18n": {"ar": {"name": "معادن"}, "en": {"name": name}}, **extra}
    response = client.post("/material-categories", headers=admin.headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def material(client, admin, category_id=None, name="Aluminum", **extra):
    body = {"name": name, "unitOfMeasure": "kg", "i18n": {"ar": {"name": "ألمنيوم", "unitOfMeasure": "كغم"}}, **extra}
    if category_id:
        body["categoryId"] = category_id
    response = client.post("/materials", headers=admin.headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def listing(client, seller, material_id, **fields):
    body = {**LISTING, "materialId": material_id, **fields}
    if "sellerCompanyId" not in body and "sellerUserId" not in body:
        body["sellerUserId"] = seller.id
    response = client.post("/listings", headers=seller.headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()
