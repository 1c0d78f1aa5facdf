"""Products: browse, trending, a shop's products, details with reviews, and a shop's own listings."""
from handlers.diora.images import discard, keys_of, store_images, string_list
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.catalog import product_out, review_out, shop_summary
from models.diora import database, products, shops

MAX_IMAGES = 5


def _admin(token_info):
    return (token_info or {}).get("type") == "admin"


def browse_products(token_info, category=None, sort=None, page=1, limit=20):
    with database.reading() as session:
        found = products.browse(session, as_admin=_admin(token_info), category=category, sort=sort, page=page,
                                limit=limit)
        shown = [product_out(p) for p in found.items]
    return ok(products=shown, pagination=pagination(found)), 200


def get_trending_products(token_info, limit=10):
    with database.reading() as session:
        shown = [product_out(p) for p in products.trending(session, as_admin=_admin(token_info), limit=limit)]
    if not shown:
        return ok("No trending products found", trendingProducts=[], products=[]), 200
    return ok(trendingProducts=shown, products=shown), 200


def get_shop_products(shopId, token_info, category=None, sort=None, page=1, limit=20):
    admin = _admin(token_info)
    with database.reading() as session:
        shop = shops.get_shop(session, shopId, as_admin=admin)
        found = products.browse(session, as_admin=admin, shop_id=shop.id, category=category, sort=sort, page=page,
                                limit=limit)
        shown = [product_out(p) for p in found.items]
        owner = shop_summary(shop)
    return ok(products=shown, shop=owner, pagination=pagination(found)), 200


def get_product(productId, token_info):
    with database.reading() as session:
        product = products.get_product(session, productId, as_admin=_admin(token_info))
        shown = product_out(product)
        reviews = [review_out(r) for r in products.recent_reviews(session, product.id)]
    return ok(product={**shown, "reviews": reviews}, reviews=reviews), 200


def _fields(body):
    fields = dict(body or {})
    if "colors" in fields and "variants" not in fields:
        fields["variants"] = fields["colors"]
    for key in ("category", "sizes", "variants"):
        if key in fields:
            fields[key] = string_list(fields[key], field=key)
    return fields


def create_product(body, user, image=None):
    fields = _fields(body)
    stored = store_images(image, field="image", max_count=MAX_IMAGES)
    try:
        with database.unit_of_work() as uow:
            product = products.create_product(uow.session, shop_id=user, fields=fields, images=stored)
            shown = product_out(product)
            uow.commit()
    except BaseException:
        discard(keys_of(stored))
        raise
    return ok("Product created successfully", product=shown), 201


def update_product(productId, user, body=None, image=None):
    fields = _fields(body)
    stored = store_images(image, field="image", max_count=MAX_IMAGES, required=False)
    try:
        with database.unit_of_work() as uow:
            product, dropped = products.update_product(uow.session, product_id=productId, shop_id=user, fields=fields,
                                                       images=stored)
            shown = product_out(product)
            uow.commit()
    except BaseException:
        discard(keys_of(stored))
        raise
    discard(dropped)
    return ok("Product updated successfully", product=shown), 200


def delete_product(productId, user):
    with database.unit_of_work() as uow:
        keys = products.delete_product(uow.session, product_id=productId, shop_id=user)
        uow.commit()
    discard(keys)
    return ok("Product deleted successfully"), 200
