"""Orders: placing, reading, status moves, points checkout with escrow, shipping and cancelling."""
from handlers.invare.orders_out import order_out
from models.invare import database, orders
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


def _write(work):
    with database.unit_of_work() as uow:
        answer = work(uow.session)
        uow.commit()
    return answer


def create_order(body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: order_out(orders.create_order(s, caller, body))), 201


def list_orders(token_info, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = orders.list_orders(session, Caller.of(token_info), page=page, limit=limit, role=None)
        return order_out.many(found), 200


def my_orders(token_info, role="all", page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = orders.list_orders(session, Caller.of(token_info), page=page, limit=limit, role=role)
        return order_out.many(found), 200


def get_order(id, token_info):
    with database.reading() as session:
        return order_out(orders.view(session, Caller.of(token_info), id)), 200


def change_status(id, status, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: order_out(orders.change_status(s, caller, id, status))), 200


def delete_order(id, token_info):
    caller = Caller.of(token_info)
    _write(lambda s: orders.delete_order(s, caller, id))
    return {"success": True, "messageKey": "messages.order_deleted"}, 200


def set_escrow_hours(id, body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: order_out(orders.load(s, orders.set_escrow_hours(s, caller, id, body["hours"]).id))), 200


def checkout_points(id, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: order_out(orders.checkout_points(s, caller, id))), 200


def confirm_delivery(id, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: order_out(orders.confirm_delivery(s, caller, id))), 200


def ship(id, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: order_out(orders.ship(s, caller, id))), 200


def cancel(id, token_info, body=None):
    caller = Caller.of(token_info)
    reason = (body or {}).get("reason")

    def work(session):
        order = orders.view(session, caller, id, lock=True)
        return order_out(orders.cancel(session, caller, order, reason=reason))
    return _write(work), 200
