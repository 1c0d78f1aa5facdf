"""Demo catalog rows for a fresh database: the demo shop's products (with generated images in the
storage directory), a cart, a wishlist and reviews. Called by :func:`models.diora.seed.seed`."""
import io

from models.diora import cart, products, reviews, wishlist

# name, price, discount, stock, categories, sizes, variants, colour of the picture
PRODUCTS = [
    ("Heavyweight Hoodie", "79.00", 0, 25, ["Men", "Tops"], ["S", "M", "L", "XL"], ["Black", "Grey"], (30, 30, 30)),
    ("Washed Denim Jacket", "129.00", 15, 10, ["Women", "Outerwear"], ["XS", "S", "M"], ["Blue"], (70, 100, 160)),
    ("Graphic Tee", "35.00", 0, 60, ["Men", "Women", "Tops"], ["S", "M", "L"], ["White", "Black"], (230, 230, 220)),
    ("Cargo Trousers", "89.00", 10, 0, ["Men"], ["30", "32", "34"], ["Olive"], (90, 100, 60)),
]
REVIEWS = [("alice", "product", 0, 5, "Warm and heavy, as promised."), ("bob", "product", 0, 4, "Runs a little big."),
           ("carol", "shop", None, 5, "Fast shipping, lovely packaging.")]


def _picture(colour):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, "PNG")
    return out.getvalue()


def seed_catalog(session, made, settings=None):
    """``made``: the demo accounts by username (the shop is ``urbanthreads``)."""
    shop = made["urbanthreads"]
    storage, base = None, "http://127.0.0.1:5010"
    if settings is not None:
        from integrations.storage import LocalStorage

        storage = LocalStorage(settings.storage_dir)
        base = (settings.public_url or f"http://127.0.0.1:{getattr(settings, 'port', None) or 5010}").rstrip("/")
    listed = []
    for index, (name, price, discount, stock, category, sizes, variants, colour) in enumerate(PRODUCTS):
        images = []
        if storage is not None:
            key = storage.save(f"images/seed-product-{index}.png", _picture(colour))
            images = [(f"{base}/api/uploads/{key}", key)]
        listed.append(products.create_product(session, shop_id=shop.id, images=images, fields={
            "name": name, "description": f"{name} from Urban Threads.", "price": price, "discount": discount,
            "stock": stock, "category": category, "sizes": sizes, "variants": variants}))
    for username, target_type, index, rating, comment in REVIEWS:
        target = listed[index].id if target_type == "product" else shop.id
        reviews.create(session, user_id=made[username].id, target_type=target_type, target_id=target, rating=rating,
                       comment=comment)
    cart.add(session, user_id=made["alice"].id, product_id=listed[0].id, quantity=1, size="M", variant="Black")
    cart.add(session, user_id=made["alice"].id, product_id=listed[2].id, quantity=2, size="S", variant="White")
    wishlist.add(session, user_id=made["alice"].id, product_id=listed[1].id)
    wishlist.add(session, user_id=made["bob"].id, product_id=listed[0].id)
    return listed
