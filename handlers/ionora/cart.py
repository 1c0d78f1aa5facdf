"""The signed-in user's cart."""
from handlers.ionora.schemas import dump_cart_item, dump_summary
from models.ionora import cart, database
from server.validation import RequestValidationProblem


def _snapshot(session, user):
    lines, summary = cart.view(session, user_id=user)
    return {"items": dump_cart_item.many(lines), "summary": dump_summary(summary)}


def add_cart_item(body, user):
    if "product_id" not in body and "product" not in body:
        raise RequestValidationProblem([{"field": "product_id", "location": "body",
                                         "message": "Either product_id or product.external_id is required."}])
    with database.unit_of_work() as uow:
        cart.add_item(uow.session, user_id=user, product_id=body.get("product_id"),
                      external_id=(body.get("product") or {}).get("external_id"), quantity=body.get("quantity", 1))
        snapshot = _snapshot(uow.session, user)  # read before the commit: nothing after it may fail the request
        uow.commit()
    return snapshot, 200


def get_cart(user):
    with database.rows() as session:
        return _snapshot(session, user), 200


def update_cart_item(id, body, user):
    with database.unit_of_work() as uow:
        cart.update_item(uow.session, user_id=user, item_id=id, quantity=body["quantity"])
        uow.commit()
    return {"message": "Cart item updated successfully."}, 200


def remove_cart_item(id, user):
    with database.unit_of_work() as uow:
        cart.remove_item(uow.session, user_id=user, item_id=id)
        uow.commit()
    return {"message": "Cart item removed successfully."}, 200


def clear_cart(user):
    with database.unit_of_work() as uow:
        cart.clear(uow.session, user_id=user)
        uow.commit()
    return {"message": "Cart cleared successfully."}, 200
