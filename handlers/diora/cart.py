"""The caller's cart: every answer is the whole cart."""
from handlers.diora.schemas import ok
from handlers.diora.schemas.catalog import cart_out
from models.diora import cart, database


def get_cart(user):
    with database.reading() as session:
        shown = cart_out(user, cart.lines(session, user))
    return ok(cart=shown), 200


def add_to_cart(body, user):
    with database.unit_of_work() as uow:
        lines = cart.add(uow.session, user_id=user, product_id=body["productId"], quantity=body.get("quantity", 1),
                         size=body.get("size"), variant=body.get("variant"))
        shown = cart_out(user, lines)
        uow.commit()
    return ok("Product added to cart", cart=shown), 200


def update_cart_item(body, user):
    with database.unit_of_work() as uow:
        lines = cart.set_quantity(uow.session, user_id=user, product_id=body["productId"], quantity=body["quantity"],
                                  size=body.get("size"), variant=body.get("variant"))
        shown = cart_out(user, lines)
        uow.commit()
    return ok("Cart updated", cart=shown), 200


def remove_from_cart(body, user):
    with database.unit_of_work() as uow:
        lines = cart.remove(uow.session, user_id=user, product_id=body["productId"], size=body.get("size"),
                            variant=body.get("variant"))
        shown = cart_out(user, lines)
        uow.commit()
    return ok("Product removed from cart", cart=shown), 200


def clear_cart(user):
    with database.unit_of_work() as uow:
        cart.clear(uow.session, user)
        uow.commit()
    return ok("Cart cleared successfully", cart=cart_out(user, [])), 200
