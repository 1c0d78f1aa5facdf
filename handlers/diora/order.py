"""Orders (``/order``): placing one from the cart, the buyer's history and details, the shops' list,
status changes and cancelling."""
import datetime as dt

from handlers.diora.payment_flow import refund_after_commit
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok
from handlers.diora.schemas.orders import order_out, shop_order
from models.diora import database, orders
from models.diora.users import get_user
from models.errors import InvalidInput

REFERENCE_STATUSES = {"pending": "processing"}  # the reference's name for a new order


def shipping_address(sent, fallback):
    """The client's ``{name, address, city, postalCode, phone, email}`` or the reference's ``{street,
    city, state, zipCode, country}``, kept with both names filled."""
    address = {k: v.strip() if isinstance(v, str) else v for k, v in sent.items()}
    address["address"] = address.get("address") or address.get("street")
    address["street"] = address.get("street") or address["address"]
    address["postalCode"] = address.get("postalCode") or address.get("zipCode") or ""
    address["zipCode"] = address.get("zipCode") or address["postalCode"]
    address["name"] = address.get("name") or fallback["name"]
    address["email"] = address.get("email") or fallback["email"]
    return address


def create_order(body, user):
    with database.unit_of_work() as uow:
        buyer = get_user(uow.session, user)
        address = shipping_address(body["shippingAddress"], {"name": buyer.full_name, "email": buyer.email})
        order, notes = orders.place_order(uow.session, user_id=user, shipping_address=address,
                                          payment_method=body.get("paymentMethod") or "card",
                                          notes=body.get("notes"), items=body.get("items"))
        shown, events = order_out(order), dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    return ok("Order placed successfully", order=shown), 201


def list_orders(user, page=1, limit=10):
    with database.reading() as session:
        found = orders.history(session, user_id=user, page=page, limit=limit)
        shown = [order_out(o) for o in found.items]
    return ok(orders=shown, totalPages=found.total_pages, currentPage=found.page, totalOrders=found.total), 200


def shop_orders(user, status=None, page=1, limit=20):
    with database.reading() as session:
        found, buyers = orders.for_shop(session, shop_id=user, status=REFERENCE_STATUSES.get(status, status),
                                        page=page, limit=limit)
        shown = [shop_order(o, user, buyers[o.user_id]) for o in found.items]
    return ok(orders=shown, totalPages=found.total_pages, currentPage=found.page, totalOrders=found.total), 200


def get_order(orderId, user, token_info):
    with database.reading() as session:
        order = orders.get_order(session, order_id=orderId, viewer_id=user, viewer_type=token_info.get("type"))
        return ok(order=order_out(order)), 200


def parse_time(value, field):
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise InvalidInput(f"{field} must be a date-time", field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def update_status(orderId, body, user, token_info):
    with database.unit_of_work() as uow:
        order, notes, refund = orders.change_status(
            uow.session, order_id=orderId, actor_id=user, actor_type=token_info.get("type"), status=body["status"],
            tracking_number=body.get("trackingNumber"), estimated_delivery=parse_time(body.get("estimatedDelivery"), "estimatedDelivery"))
        shown, events = order_out(order), dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    shown = refund_after_commit(refund) or shown
    return ok("Order status updated successfully", order=shown), 200


def cancel_order(orderId, user, body=None):
    with database.unit_of_work() as uow:
        order, notes, refund = orders.cancel(uow.session, order_id=orderId, user_id=user,
                                             reason=(body or {}).get("reason"))
        shown, events = order_out(order), dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    shown = refund_after_commit(refund) or shown
    return ok("Order cancelled successfully", order=shown, refundStatus=shown["refundStatus"]), 200
