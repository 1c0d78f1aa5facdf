"""Administrators (``is_admin``): every order, status changes, the catalog."""
from handlers.ionora.schemas import (
    AdminOrderListItemOut, admin_product_out, callback_requests_out, order_page_out, order_row_out, pagination,
)
from models.ionora import callbacks, catalog, database, orders
from models.paging import clamp
from server.products.ionora import public_url, send_mail, store_product_image


def list_orders(page=None, limit=None, status=None, user_id=None):
    with database.reading() as session:
        found = orders.list_all(session, page=clamp(page, default=1, maximum=100_000),
                                limit=clamp(limit, default=20, maximum=100), status=status, user_id=user_id)
        return order_page_out(found, AdminOrderListItemOut), 200


def update_order_status(id, body):
    with database.unit_of_work() as uow:
        order, notify = orders.change_status(uow.session, order_id=id, status=body["status"],
                                             tracking_number=body.get("tracking_number"),
                                             tracking_description=body.get("tracking_description"))
        uow.commit()
        result = {"order": order_row_out.dump(order)}
    if notify:
        subject = {"shipped": f"Your Order {order.order_number} has Shipped",
                   "delivered": f"Order {order.order_number} Delivered"}[order.status]
        tracking = f"\nTracking number: {order.tracking_number}" if order.tracking_number else ""
        send_mail(to=notify, subject=subject, text=f"Order {order.order_number} is now {order.status}.{tracking}\n")
    return result, 200


def create_product(body):
    with database.unit_of_work() as uow:
        product = catalog.create_product(uow.session, data=body)
        uow.commit()
        return {"product": admin_product_out.dump(product)}, 201


def update_product(id, body):
    with database.unit_of_work() as uow:
        product = catalog.update_product(uow.session, product_id=id, changes=body)
        uow.commit()
        return {"product": admin_product_out.dump(product)}, 200


def delete_product(id):
    with database.unit_of_work() as uow:
        catalog.deactivate_product(uow.session, product_id=id)
        uow.commit()
    return {"message": "Product deactivated successfully."}, 200


def upload_product_image(image=None):
    key = store_product_image(image)
    return {"url": public_url(f"/api/uploads/{key}"), "key": key}, 201


def list_callback_requests(page=None, limit=None):
    with database.unit_of_work() as uow:
        found = callbacks.list_requests(uow.session, page=clamp(page, default=1, maximum=100_000),
                                        limit=clamp(limit, default=20, maximum=100))
        return {"callbackRequests": callback_requests_out.dump(found.items), "pagination": pagination(found)}, 200
