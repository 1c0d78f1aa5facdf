"""Orders: numbering, the customer's list/detail/cancel, the administrators' list and status changes."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from models.base import utcnow
from models.errors import NotFound, RuleViolation
from models.ionora import coupons, inventory
from models.ionora.entities import Order, OrderCounter, OrderItem, OrderTracking, User
from models.ionora.users import as_uuid
from models.paging import page_query

NOT_FOUND = "Order not found."
CANCELLABLE = ("pending", "confirmed")
TRANSITIONS = {
    "pending": ("confirmed", "processing", "cancelled"),
    "confirmed": ("processing", "shipped", "cancelled"),
    "processing": ("shipped", "cancelled"),
    "shipped": ("delivered", "returned"),
    "delivered": ("returned",),
    "cancelled": (),
    "returned": (),
}
NEWEST_FIRST = (Order.created_at.desc(), Order.id)


def next_order_number(session, *, now=None):
    """``ION-<year>-<NNNN>``: a per-year counter bumped atomically (``INSERT .. ON CONFLICT DO UPDATE``),
    so concurrent checkouts never collide; the row stays locked until the order commits."""
    year = (now or utcnow()).year
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(OrderCounter).values(year=year, last_value=1)
            .on_conflict_do_update(index_elements=[OrderCounter.year],
                                   set_={"last_value": OrderCounter.last_value + 1})
            .returning(OrderCounter.last_value))
    value = session.execute(stmt).scalar_one()
    return f"ION-{year}-{value:04d}"


def track(session, order, status, description):
    session.add(OrderTracking(order_id=order.id, status=status, description=description))


@dataclass(frozen=True)
class OrderPage:
    page: object          # models.paging.Page of Order
    item_counts: dict     # order id -> number of order lines


def _with_counts(session, page):
    ids = [order.id for order in page.items]
    counts = {}
    if ids:
        rows = session.execute(select(OrderItem.order_id, func.count(OrderItem.id))
                               .where(OrderItem.order_id.in_(ids)).group_by(OrderItem.order_id))
        counts = dict(rows.all())
    return OrderPage(page=page, item_counts=counts)


def list_own(session, *, user_id, page, limit, status=None):
    stmt = select(Order).where(Order.user_id == as_uuid(user_id))
    if status:
        stmt = stmt.where(Order.status == status)
    return _with_counts(session, page_query(session, stmt.order_by(*NEWEST_FIRST), page=page, limit=limit))


def list_all(session, *, page, limit, status=None, user_id=None):
    stmt = select(Order).options(selectinload(Order.user))
    if status:
        stmt = stmt.where(Order.status == status)
    if user_id:
        stmt = stmt.where(Order.user_id == as_uuid(user_id))
    return _with_counts(session, page_query(session, stmt.order_by(*NEWEST_FIRST), page=page, limit=limit))


def get_own_order(session, *, user_id, order_id, lock=False, full=False):
    """The caller's order; someone else's is reported as missing."""
    key = as_uuid(order_id)
    stmt = select(Order).where(Order.id == key, Order.user_id == as_uuid(user_id))
    return _one(session, stmt, key, lock=lock, full=full)


def get_order(session, *, order_id, lock=False, full=False):
    key = as_uuid(order_id)
    return _one(session, select(Order).where(Order.id == key), key, lock=lock, full=full)


def load_details(session, order):
    """Items (with their products) and the shipping address, for the detail shapes."""
    return session.scalars(select(Order).where(Order.id == order.id)
                           .options(selectinload(Order.items).selectinload(OrderItem.product),
                                    selectinload(Order.shipping_address))
                           .execution_options(populate_existing=True)).one()


def _one(session, stmt, key, *, lock, full):
    if lock:
        stmt = stmt.with_for_update()
    order = session.scalars(stmt).first() if key else None
    if order is None:
        raise NotFound(NOT_FOUND)
    return load_details(session, order) if full else order


def tracking(session, *, user_id, order_id):
    """The caller's order's status history, oldest first."""
    order = get_own_order(session, user_id=user_id, order_id=order_id)
    stmt = (select(OrderTracking).where(OrderTracking.order_id == order.id)
            .order_by(OrderTracking.created_at, OrderTracking.id))
    return list(session.scalars(stmt))


def cancel(session, *, user_id, order_id):
    order = get_own_order(session, user_id=user_id, order_id=order_id, lock=True)
    if order.status not in CANCELLABLE:
        raise RuleViolation("Order cannot be cancelled at this stage.")
    _cancel(session, order, "Order cancelled by user")
    return order


def _cancel(session, order, description):
    order.status = "cancelled"
    if order.payment_status == "paid":
        order.payment_status = "refunded"  # the refund itself is settled with Razorpay by staff
    inventory.release(session, order)
    coupons.release_use(session, order.coupon_code)
    track(session, order, "cancelled", description)


def change_status(session, *, order_id, status, tracking_number=None, tracking_description=None):
    """Move an order along TRANSITIONS (the current status again is a no-op). Returns the order and the
    customer's email when they should hear about it (shipped, delivered), else None."""
    order = get_order(session, order_id=order_id, lock=True)
    if tracking_number:
        order.tracking_number = tracking_number
    if status == order.status:
        session.flush()
        return order, None
    if status not in TRANSITIONS[order.status]:
        raise RuleViolation(f"Cannot transition order from {order.status} to {status}.", field="status")
    now = utcnow()
    description = tracking_description or f"Status updated to {status}"
    if status == "cancelled":
        _cancel(session, order, description)
    else:
        order.status = status
        track(session, order, status, description)
    if status == "confirmed" and order.confirmed_at is None:
        order.confirmed_at = now
    elif status == "shipped":
        order.shipped_at = now
    elif status == "delivered":
        order.delivered_at = now
    order.updated_at = now
    session.flush()
    notify = session.get(User, order.user_id).email if status in ("shipped", "delivered") else None
    return order, notify


def already_settled(order, payment_id):
    """True when ``payment_id`` is already recorded on the order as paid or refunded."""
    return order.payment_id == payment_id and order.payment_status in ("paid", "refunded")


def record_refund(session, order, *, payment_id, refund_id, source):
    """Record the refund of a payment captured after the order was cancelled (once: a second record
    of the same payment changes nothing). Returns False when it was already recorded."""
    if order.payment_id == payment_id and order.refund_id:
        return False
    order.payment_id = payment_id
    order.payment_status = "refunded"
    order.refund_id = refund_id
    track(session, order, "cancelled", f"Payment {payment_id} captured after cancellation ({source}); "
                                       f"refunded as {refund_id}")
    order.updated_at = utcnow()
    session.flush()
    return True


def mark_paid(session, order, *, payment_id, source):
    """Record a captured payment; a pending order that still holds its stock becomes confirmed.
    Returns False when the order was already paid (nothing changes)."""
    if order.payment_status == "paid":
        return False
    order.payment_status = "paid"
    order.payment_id = payment_id
    if order.status == "pending" and order.inventory_locked:
        order.status = "confirmed"
        order.confirmed_at = utcnow()
        track(session, order, "confirmed", f"Payment {payment_id} captured ({source})")
    order.updated_at = utcnow()
    session.flush()
    return True
