"""Demo catalog for a fresh Invare database: categories and materials in Arabic and English, and active
listings with photos sold by the demo seller's company (called by ``seed.seed``)."""
from decimal import Decimal

from models.invare.listings import Listing, ListingAttribute, ListingPhoto
from models.invare.materials import Material, MaterialCategory

CATALOG = [
    (("Metals", "معادن"), [(("Aluminum", "ألمنيوم"), ("kg", "كغم")), (("Copper", "نحاس"), ("kg", "كغم"))]),
    (("Plastics", "بلاستيك"), [(("PET", "بولي إيثيلين تيرفثالات"), ("kg", "كغم"))]),
    (("Paper", "ورق"), [(("Cardboard", "كرتون"), ("ton", "طن"))]),
]
LISTINGS = [  # material, title (en, ar), price, stock, unit
    ("Aluminum", ("Aluminum Scrap", "خردة ألمنيوم"), "2.50", 1000, "ton"),
    ("Copper", ("Copper Wire", "أسلاك نحاس"), "7.80", 200, "ton"),
    ("Cardboard", ("Pressed Cardboard", "كرتون مكبوس"), "0.40", 50, "ton"),
]


def seed_catalog(session, *, company):
    materials = {}
    for (name, name_ar), items in CATALOG:
        category = MaterialCategory(name=name, i18n={"ar": {"name": name_ar}, "en": {"name": name}})
        session.add(category)
        for (mat, mat_ar), (unit, unit_ar) in items:
            materials[mat] = Material(name=mat, unit_of_measure=unit, category=category,
                                      i18n={"ar": {"name": mat_ar, "unitOfMeasure": unit_ar},
                                            "en": {"name": mat, "unitOfMeasure": unit}})
            session.add(materials[mat])
    session.flush()
    for index, (mat, (title, title_ar), price, stock, unit) in enumerate(LISTINGS):
        listing = Listing(
            title=title, description=f"{title}, sorted and clean", unit_of_measure=unit, starting_price=Decimal(price),
            stock_amount=stock, status="active", condition="first_grade", material_color="white",
            materials_states=["pressed_bundle"], is_biddable=True, material_id=materials[mat].id,
            seller_company_id=company.id, seller_user_id=company.owner_id,
            i18n={"ar": {"title": title_ar, "description": f"{title_ar}، مفروز ونظيف"},
                  "en": {"title": title, "description": f"{title}, sorted and clean"}})
        listing.photos = [ListingPhoto(url=f"https://picsum.photos/seed/invare{index}/800/600", is_primary=True, sort_order=0),
                          ListingPhoto(url=f"https://picsum.photos/seed/invare{index}b/800/600", sort_order=1)]
        listing.attributes = [ListingAttribute(attr_key="النقاء", attr_value="98%")]
        session.add(listing)
    session.flush()
