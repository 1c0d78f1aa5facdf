"""Public operations (no account needed): callback requests, shared wishlists, stored product images."""
from handlers.files import send_stored
from handlers.ionora.schemas import callback_request_out, favorites_out
from models.ionora import callbacks, database, favorites
from server.products.ionora import PRODUCT


def request_callback(body, user=None):
    with database.unit_of_work() as uow:
        request = callbacks.request_callback(uow.session, name=body["name"], phone=body["phone"],
                                             state=body["state"], user_id=user)
        uow.commit()
        return {"callbackRequest": callback_request_out.dump(request)}, 201


def get_shared_wishlist(token):
    with database.unit_of_work() as uow:
        owner, found = favorites.shared(uow.session, token=token)
        return {"owner": {"id": str(owner.id), "full_name": owner.full_name},
                "favorites": favorites_out.dump(found)}, 200


def get_product_image(file):
    return send_stored(PRODUCT.runtime.storage, f"products/{file}", "Image not found.")
