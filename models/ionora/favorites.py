"""Favorites: a set of products per user, which its owner can share through a public link."""
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models.base import utcnow
from models.errors import NotFound, RuleViolation
from models.ionora.catalog import get_product
from models.ionora.entities import Favorite, PublicWishlist, User
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


EMPTY_WISHLIST = "Add items to your wishlist before sharing."
SHARE_NOT_FOUND = "Shared wishlist not found or expired."


def share(session, *, user_id):
    """A new share token for the caller's favorites (sharing again replaces the previous token, which
    stops working). Returns ``(token, favorites)``; only the token's SHA-256 is stored."""
    user_id = as_uuid(user_id)
    found = list_favorites(session, user_id=user_id)
    if not found:
        raise RuleViolation(EMPTY_WISHLIST)
    token = secrets.token_hex(16)
    existing = session.get(PublicWishlist, user_id, with_for_update=True)
    if existing is None:
        try:
            with session.begin_nested():
                session.add(PublicWishlist(user_id=user_id, token_hash=_digest(token), created_at=utcnow()))
                session.flush()
            return token, found
        except IntegrityError:  # shared concurrently: replace that share instead
            existing = session.get(PublicWishlist, user_id, with_for_update=True, populate_existing=True)
    existing.token_hash = _digest(token)
    existing.created_at = utcnow()
    session.flush()
    return token, found


def shared(session, *, token):
    """``(owner, favorites)`` for a share token, or NotFound."""
    share_row = session.scalars(select(PublicWishlist).where(PublicWishlist.token_hash == _digest(token))).first()
    if share_row is None:
        raise NotFound(SHARE_NOT_FOUND)
    owner = session.get(User, share_row.user_id)
    return owner, list_favorites(session, user_id=owner.id)


def _digest(token):
    return hashlib.sha256((token or "").encode()).hexdigest()
