"""A user's wishlist: products they keep, newest first (hidden products and those of suspended or banned
shops are not shown)."""
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from models.diora import products
from models.diora.tables.catalog import Product, WishlistItem
from models.errors import RuleViolation

ALREADY = "Product already in wishlist"


def items(session, user_id):
    stmt = (products.visible(select(Product).join(WishlistItem, WishlistItem.product_id == Product.id), as_admin=False)
            .where(WishlistItem.user_id == user_id)
            .order_by(WishlistItem.created_at.desc(), WishlistItem.product_id))
    return products.attach_shops(session, list(session.scalars(stmt)))


def add(session, *, user_id, product_id):
    """400 ``Product already in wishlist`` when it is there (the original's answer)."""
    products.get_product(session, product_id)
    if session.get(WishlistItem, (user_id, product_id)) is not None:
        raise RuleViolation(ALREADY, field="productId")
    try:
        with session.begin_nested():
            session.add(WishlistItem(user_id=user_id, product_id=product_id))
            session.flush()
    except IntegrityError:  # the pair is the primary key: a concurrent add of the same product
        raise RuleViolation(ALREADY, field="productId") from None
    return items(session, user_id)


def remove(session, *, user_id, product_id):
    """Take the product off the wishlist (nothing happens when it is not there)."""
    session.execute(delete(WishlistItem).where(WishlistItem.user_id == user_id, WishlistItem.product_id == product_id)
                    .execution_options(synchronize_session=False))
    return items(session, user_id)


def toggle(session, *, user_id, product_id):
    """Add the product, or remove it when it is there: ``(now_in_wishlist, items)``."""
    existing = session.get(WishlistItem, (user_id, product_id))
    if existing is not None:
        session.delete(existing)
        session.flush()
        return False, items(session, user_id)
    return True, add(session, user_id=user_id, product_id=product_id)
