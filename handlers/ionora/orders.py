"""The signed-in user's orders."""
from handlers.ionora.schemas import OrderListItemOut, order_detail_out, order_page_out, tracking_out
from models.ionora import database, orders
from models.paging import clamp


def list_orders(user, page=None, limit=None, status=None):
    with database.reading() as session:
        found = orders.list_own(session, user_id=user, page=clamp(page, default=1, maximum=100_000),
                                limit=clamp(limit, default=10, maximum=50), status=status)
        return order_page_out(found, OrderListItemOut), 200


def get_order(id, user):
    with database.reading() as session:
        order = orders.get_own_order(session, user_id=user, order_id=id, full=True)
        return {"order": order_detail_out.dump(order)}, 200


def get_order_tracking(id, user):
    with database.unit_of_work() as uow:
        return {"tracking": tracking_out.dump(orders.tracking(uow.session, user_id=user, order_id=id))}, 200


def cancel_order(id, user):
    with database.unit_of_work() as uow:
        orders.cancel(uow.session, user_id=user, order_id=id)
        uow.commit()
    return {"message": "Order cancelled successfully."}, 200
