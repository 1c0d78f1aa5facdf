"""The caller's wishlist: every answer is the whole list (an array, as the client reads it)."""
from handlers.diora.schemas import ok
from handlers.diora.schemas.catalog import product_out
from models.diora import database, wishlist


def _answer(message, products, status=200, **extra):
    shown = [product_out(p) for p in products]
    return ok(message, wishlist=shown, count=len(shown), **extra), status


def get_wishlist(user):
    with database.reading() as session:
        return _answer(None, wishlist.items(session, user))


def add_to_wishlist(body, user):
    with database.unit_of_work() as uow:
        products = wishlist.add(uow.session, user_id=user, product_id=body["productId"])
        answer = _answer("Product added to wishlist", products)
        uow.commit()
    return answer


def remove_from_wishlist(body, user):
    with database.unit_of_work() as uow:
        products = wishlist.remove(uow.session, user_id=user, product_id=body["productId"])
        answer = _answer("Product removed from wishlist", products)
        uow.commit()
    return answer


def toggle_wishlist(body, user):
    with database.unit_of_work() as uow:
        added, products = wishlist.toggle(uow.session, user_id=user, product_id=body["productId"])
        answer = _answer("Added to wishlist" if added else "Removed from wishlist", products, inWishlist=added)
        uow.commit()
    return answer
