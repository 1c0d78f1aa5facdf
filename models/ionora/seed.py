"""Demo data for a fresh Ionora database (the storefront's catalogue, demo coupons), and administrators."""
from sqlalchemy import select

from models.ionora import addresses, catalog, coupons, users
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

# The storefront's own catalogue (the web client's static `data/products`): its product id (our
# `external_id`, which its add-to-cart sends), name, category and list price in INR. A price of 0 means
# "price on request": such a product is listed inactive, so it cannot be bought for nothing.
CATALOG = [
    ("mxl-5", "LIFE WATER IONIZER MXL-5", "Residential", 153000),
    ("mxl-7", "LIFE WATER IONIZER MXL-7", "Residential", 205000),
    ("mxl-9", "LIFE WATER IONIZER MXL-9", "Residential", 256000),
    ("mxl-11", "LIFE WATER IONIZER MXL-11", "Residential", 307000),
    ("mxl-13", "LIFE WATER IONIZER MXL-13", "Residential", 359000),
    ("mxl-15", "LIFE WATER IONIZER MXL-15", "Residential", 410000),
    ("lc-11", "LIFE IONIZER LC-11", "Commercial", 410000),
    ("lc-13", "LIFE IONIZER LC-13", "Commercial", 461000),
    ("lc-30", "LIFE IONIZER LC-30", "Commercial", 718000),
    ("lc-60", "LIFE IONIZER LC-60", "Commercial", 1026000),
    ("lc-90", "LIFE IONIZER LC-90", "Commercial", 1539000),
    ("commercial-water", "Commercial Water Ionizer", "Commercial", 3078000),
    ("dolphin-whole-home", "Salt-Free Dolphin Whole Home Filtration Set", "Filtration", 615000),
    ("dolphin-well-water", "The Dolphin Well Water Solution", "Filtration", 307000),
    ("dolphin-voc-filter", "The Dolphin VOC Filter", "Filtration", 307000),
    ("msl-5", "MSL-5", "Residential", 135000),
    ("msl-7", "MSL-7", "Residential", 180000),
    ("msl-9", "MSL-9", "Residential", 225000),
    ("msl-11", "MSL-11", "Residential", 270000),
    ("msl-13", "MSL-13", "Residential", 315000),
    ("msl-15", "MSL-15", "Residential", 360000),
    ("kyron-5", "Kyron-5", "Residential", 120000),
    ("kyron-7", "Kyron-7", "Residential", 160000),
    ("kyron-9", "Kyron-9", "Residential", 200000),
    ("kyron-11", "Kyron-11", "Residential", 240000),
    ("kyron-13", "Kyron-13", "Residential", 280000),
    ("kyron-15", "Kyron-15", "Residential", 320000),
    ("tycoon-30", "Tycoon-30", "Commercial", 600000),
    ("tycoon-60", "Tycoon-60", "Commercial", 850000),
    ("tycoon-90", "Tycoon-90", "Commercial", 1200000),
    ("mediqua-ak-9000", "Mediqua AK-9000", "Residential", 390000),
    ("mediqua-ak-9000-hybrid", "Mediqua AK-9000 Hybrid", "Residential", 390000),
    ("mediqua-ak-2000-7", "Mediqua AK-2000 (7 Plates)", "Residential", 260000),
    ("mediqua-ak-2000-9", "Mediqua AK-2000 (9 Plates)", "Residential", 280000),
    ("mediqua-ak-3000-7", "Mediqua AK-3000 (7 Plates)", "Residential", 230000),
    ("mediqua-ak-3000-9", "Mediqua AK-3000 (9 Plates)", "Residential", 250000),
    ("mediqua-ak-5000-5", "Mediqua AK-5000 (5 Plates)", "Residential", 170000),
    ("mediqua-ak-5000-7", "Mediqua AK-5000 (7 Plates)", "Residential", 190000),
    ("mediqua-ak-101", "Mediqua AK-101", "Residential", 90000),
    ("mediqua-hy-101", "Mediqua HY-101", "Residential", 74990),
    ("mediqua-hy-4000", "Mediqua HY-4000", "Residential", 145000),
    ("mediqua-undersink-faucet", "Mediqua Undersink Faucet", "Accessory", 125000),
    ("mediqua-m14", "Mediqua MI-14", "Commercial", 385000),
    ("mediqua-ck-9000", "Mediqua CK-9000", "Commercial", 0),
]
CATALOG_STOCK = 25

# code, type, value, minimum order, uses allowed (None: unlimited)
COUPONS = [
    ("WELCOME10", "percentage", 10, 0, None),
    ("FLAT5000", "fixed", 5000, 50000, 100),
]


def seed(session, settings=None):
    """Idempotent: adds nothing when any account exists. Returns the demo accounts the database has."""
    if session.scalar(select(User.id).limit(1)):
        demo = [("administrator", ADMIN[0], ADMIN[1])] + [("customer", c[0], c[1]) for c in CUSTOMERS]
        present = set(session.scalars(select(User.email).where(User.email.in_([d[1] for d in demo]))))
        return [account for account in demo if account[1] in present]
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
    for external_id, name, category, price in CATALOG:
        catalog.create_product(session, data={
            "external_id": external_id, "name": name, "price": price, "discount_percentage": 0,
            "category": category, "stock_quantity": CATALOG_STOCK, "images": [], "specifications": {},
            "is_active": price > 0,
        })
    for code, kind, value, minimum, max_uses in COUPONS:
        coupons.create_coupon(session, code=code, discount_type=kind, discount_value=value, min_order_value=minimum,
                              max_uses=max_uses)
    session.flush()
    return accounts


def create_admin(session, username, email, password):
    """An ``is_admin`` account (``username`` becomes the full name); an existing email is promoted."""
    return users.make_admin(session, email=email, password=password, full_name=username)
