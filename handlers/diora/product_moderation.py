"""Administrators moderating products (``/admin/products``): finding them, hiding and showing them."""
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.fields import iso_z
from models.diora import database, notifications, product_moderation, products
from models.diora.tables.users import User


def moderated_product(product, shop):
    return {"_id": product.id, "name": product.name, "description": product.description,
            "price": float(product.price), "discount": float(product.discount or 0), "stock": product.stock,
            "imageUrl": list(product.image_urls or []), "reports": product.reports, "isHidden": product.is_hidden,
            "reviews": product.review_count, "shopId": product.shop_id,
            "shop": {"_id": shop.id, "name": shop.full_name, "username": shop.username, "status": shop.status},
            "createdAt": iso_z(product.created_at)}


def search_products(user, query=None, q=None, reported=None, hidden=None, shopId=None, outOfStock=None, stock=None,
                    page=1, limit=20):
    out_of_stock = outOfStock if outOfStock is not None else (True if stock == 0 else None)
    with database.reading() as session:
        found, shops = product_moderation.search_products(
            session, query=query if query is not None else q, reported=reported, hidden=hidden, shop_id=shopId,
            out_of_stock=out_of_stock, page=page, limit=limit)
        shown = [moderated_product(p, shops[p.shop_id]) for p in found.items]
    return ok(products=shown, pagination=pagination(found)), 200


DEFAULT_REASON = "Violation of community guidelines"


def _set_hidden(product_id, hidden, *, admin_id, reason=None):
    """Hide or show; hiding tells the shop why (a ``warning`` notification, whatever its switches)."""
    with database.unit_of_work() as uow:
        product = products.hide_product(uow.session, product_id, hidden)
        note = None
        if hidden:
            note = notifications.notify(
                uow.session, recipient_id=product.shop_id, type="warning", title="Product Listing Hidden ⚠️",
                message=f'Your product "{product.name}" was hidden from the marketplace. Reason: '
                        f"{(reason or '').strip() or DEFAULT_REASON}",
                actor_id=admin_id, product_id=product.id, force=True,
                data={"action": "hide", "productId": product.id, "reason": reason})
        shown, events = moderated_product(product, uow.session.get(User, product.shop_id)), dump_notifications([note])
        uow.commit()
    publish_notifications(events)
    return shown


def hide_product(productId, user, body=None):
    shown = _set_hidden(productId, True, admin_id=user, reason=(body or {}).get("reason"))
    return ok("Product hidden successfully", product=shown), 200


def show_product(productId, user):
    return ok("Product shown successfully", product=_set_hidden(productId, False, admin_id=user)), 200
