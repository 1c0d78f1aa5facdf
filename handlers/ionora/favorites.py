"""The signed-in user's favorites."""
from handlers.ionora.schemas import favorites_out
from models.ionora import database, favorites
from server.products.ionora import public_url


def add_favorite(body, user):
    with database.unit_of_work() as uow:
        favorites.add(uow.session, user_id=user, product_id=body["product_id"])
        uow.commit()
    return {"message": "Product added to favorites."}, 200


def list_favorites(user):
    with database.reading() as session:
        return {"favorites": favorites_out.dump(favorites.list_favorites(session, user_id=user))}, 200


def remove_favorite(product_id, user):
    with database.unit_of_work() as uow:
        favorites.remove(uow.session, user_id=user, product_id=product_id)
        uow.commit()
    return {"message": "Product removed from favorites."}, 200


def share_favorites(user):
    with database.unit_of_work() as uow:
        token, found = favorites.share(uow.session, user_id=user)
        uow.commit()
        return {"url": public_url(f"/api/public/wishlist/{token}"), "token": token,
                "favorites": favorites_out.dump(found)}, 201
