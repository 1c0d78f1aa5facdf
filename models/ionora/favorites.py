"""Favorites: a set of products per user."""
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models.errors import NotFound
from models.ionora.catalog import get_product
from models.ionora.entities import Favorite
from models.ionora.users import as_uuid


def add(session, *, user_id, product_id):
    """Idempotent: adding a favorite twice keeps one."""
    user_id = as_uuid(user_id)
    product = get_product(session, product_id=product_id)
    exists = session.scalar(select(Favorite.id).where(Favorite.user_id == user_id, Favorite.product_id == product.id))
    if exists:
        return
    try:
        with session.begin_nested():
            session.add(Favorite(user_id=user_id, product_id=product.id))
            session.flush()
    except IntegrityError:
        pass  # added concurrently: the same outcome


def list_favorites(session, *, user_id):
    stmt = (select(Favorite).where(Favorite.user_id == as_uuid(user_id))
            .options(selectinload(Favorite.product))
            .order_by(Favorite.added_at.desc(), Favorite.id))
    return list(session.scalars(stmt))


def remove(session, *, user_id, product_id):
    result = session.execute(delete(Favorite).where(Favorite.user_id == as_uuid(user_id),
                                                    Favorite.product_id == as_uuid(product_id)))
    if result.rowcount == 0:
        raise NotFound("Favorite not found.")
