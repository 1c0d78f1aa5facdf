"""Demo data for a fresh Ionora database (the original's catalog of 15 ionizers), and administrators."""
from sqlalchemy import select

from models.ionora import addresses, catalog, users
from models.ionora.entities import User

ADMIN = ("admin@ionora.example", "AdminPass123!", "Ionora Admin", "9999999999")
CUSTOMERS = [
    ("alice@example.com", "Password123!", "Alice Sharma", "9876543210",
     ("12 MG Road, Indiranagar", "Bengaluru", "KA", "560038")),
    ("bob@example.com", "Password123!", "Bob Mehta", "9876543211",
     ("221 Marine Drive", "Mumbai", "MH", "400020")),
    ("carol@example.com", "Password123!", "Carol D'Souza", "9876543212",
     ("7 Park Street", "Kolkata", "WB", "700016")),
]

# name, category, price, discount %, stock, plates, flow (L/min), pH range, warranty (years), description
CATALOG = [
    ("Ionora Elite 11", "premium", 219999, 10, 8, 11, 4.0, "2.5-11.5", 7,
     "Flagship 11-plate ionizer with dual filtration and a touchscreen for daily wellness water."),
    ("Ionora Platinum 9", "premium", 159999, 12, 12, 9, 3.5, "3.0-11.0", 5,
     "Nine solid-titanium plates coated in platinum for stable pH across every level."),
    ("Ionora Classic 7", "standard", 89999, 15, 25, 7, 3.0, "4.0-10.5", 5,
     "The family workhorse: seven plates, four alkaline levels and an automatic cleaning cycle."),
    ("Ionora Classic 5", "standard", 64999, 10, 40, 5, 2.5, "5.0-10.0", 3,
     "Five-plate countertop ionizer for smaller households."),
    ("Ionora Compact 3", "compact", 24999, 5, 60, 3, 1.5, "6.0-9.5", 2,
     "Space-saving three-plate ionizer for studio kitchens and offices."),
    ("Ionora Compact Go", "compact", 18999, 0, 75, 3, 1.2, "6.5-9.5", 2,
     "The lightest countertop model, with a single filter and one-touch controls."),
    ("Ionora UnderSink Pro", "under-sink", 129999, 8, 15, 9, 4.5, "3.0-11.0", 5,
     "Hidden under the counter with a designer faucet: nine plates, high flow."),
    ("Ionora UnderSink 7", "under-sink", 99999, 10, 20, 7, 3.5, "4.0-10.5", 5,
     "Under-sink installation with seven plates and a two-stage filter."),
    ("Ionora Travel Flask", "portable", 5999, 0, 120, 1, 0.3, "7.5-9.0", 1,
     "A rechargeable bottle that mineralises and ionises on the move."),
    ("Ionora Portable Pitcher", "portable", 7999, 5, 100, 1, 0.5, "7.5-9.5", 1,
     "A 2-litre pitcher with an alkaline cartridge for homes without plumbing changes."),
    ("Ionora Commercial 13", "commercial", 199999, 20, 10, 13, 8.0, "2.0-12.0", 7,
     "Thirteen plates for cafes, gyms and clinics that serve water all day."),
    ("Ionora Wellness Spa", "wellness", 74999, 10, 30, 7, 3.0, "4.0-10.5", 3,
     "Adds acidic beauty water for skin and hair to the classic seven-plate core."),
    ("Ionora Wellness Hydro+", "wellness", 109999, 15, 18, 9, 3.5, "3.0-11.0", 5,
     "Molecular-hydrogen boost on top of alkaline ionisation."),
    ("Ionora Family 9", "family", 119999, 12, 22, 9, 4.0, "3.0-11.0", 5,
     "Nine plates, six user presets and a child lock for busy homes."),
    ("Ionora AgriFlow", "agriculture", 149999, 5, 9, 11, 10.0, "4.0-11.0", 3,
     "High-flow ionised water for greenhouses, nurseries and livestock."),
]


def seed(session, settings=None):
    """Idempotent: does nothing when any account exists. Returns the demo accounts."""
    if session.scalar(select(User.id).limit(1)):
        return []
    email, password, name, phone = ADMIN
    users.register(session, email=email, password=password, full_name=name, phone=phone, is_admin=True,
                   email_verified=True)
    accounts = [("administrator", email, password)]
    for email, password, name, phone, (street, city, state, pincode) in CUSTOMERS:
        user = users.register(session, email=email, password=password, full_name=name, phone=phone,
                              email_verified=True)
        addresses.create_address(session, user_id=user.id, data={
            "address_type": "home", "full_address": street, "city": city, "state": state, "pincode": pincode,
            "country": "India", "is_default": True})
        accounts.append(("customer", email, password))
    for name, category, price, discount, stock, plates, flow, ph, warranty, description in CATALOG:
        slug = name.lower().replace("ionora ", "").replace(" ", "-").replace("+", "-plus")
        catalog.create_product(session, data={
            "name": name, "description": description, "price": price, "discount_percentage": discount,
            "category": category, "stock_quantity": stock, "images": [f"/images/products/{slug}.png"],
            "specifications": {"plates": plates, "flow_rate": f"{flow} L/min", "ph_range": ph,
                               "warranty": f"{warranty} year{'s' if warranty != 1 else ''}", "power": "220-240V AC"},
            "is_active": True,
        })
    session.flush()
    return accounts


def create_admin(session, username, email, password):
    """An ``is_admin`` account (``username`` becomes the full name); an existing email is promoted."""
    return users.make_admin(session, email=email, password=password, full_name=username)
