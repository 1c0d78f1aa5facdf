"""The demo catalog ``seed invare`` loads: categories and materials in both languages, listings with photos."""
from models.invare import database
from models.invare.seed import seed


def test_demo_catalog(client):
    with database.unit_of_work() as uow:
        seed(uow.session)
        uow.commit()
    categories = client.get("/material-categories?lang=ar").json()
    assert [c["name"] for c in categories] == ["معادن", "ورق", "بلاستيك"]  # ordered by the base name
    assert [m["name"] for m in client.get("/materials?lang=en&limit=100").json()] == ["Aluminum", "Cardboard", "Copper", "PET"]
    listings = client.get("/listings?onlyActive=true&limit=10&lang=ar").json()
    assert sorted(x["title"] for x in listings) == sorted(["خردة ألمنيوم", "أسلاك نحاس", "كرتون مكبوس"])
    assert all(len(x["photos"]) == 2 and x["photos"][0]["isPrimary"] for x in listings)
    assert {x["seller"]["companyName"] for x in listings} == {"Acme Recycling"}
