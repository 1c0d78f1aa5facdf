"""Placing orders and following them: from the buyer's cart (or the reference's ``items``) to delivery.

Money: each line's unit price is the product's price less its discount (percent), rounded to cents;
``shippingFee = 0 if subtotal > 100 else 10``; ``total = subtotal + shippingFee``.

Stock is taken in the same transaction that writes the order (``models.diora.stock.take_stock``:
one conditional decrement per product), so two buyers of the last unit cannot both have it. It is
given back at most once (``stock_released``, decided under the order's row lock) when the order is
cancelled or a card order is never paid.

Status moves forward only: processing → confirmed → shipped → delivered, changed by a shop whose
products are in the order or by an administrator (a card order moves on only once paid). The buyer may
cancel until it is shipped; a paid order is then marked for refund (``refund_status: pending``) and the
caller refunds it through Stripe after the commit (:mod:`models.diora.payments`).
"""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models.base import utcnow
from models.diora import notifications, stock
from models.diora.tables.catalog import CartItem, Product
from models.diora.tables.orders import Order, OrderItem, OrderNumberCounter
from models.diora.tables.users import User
from models.errors import Conflict, Forbidden, NotFound, RuleViolation
from models.ids import is_object_id
from models.paging import page_query

ORDER_NOT_FOUND = "ORD_001"
CART_EMPTY = "CART_001"
CENT = Decimal("0.01")
FREE_SHIPPING_OVER = Decimal(100)
SHIPPING_FEE = Decimal(10)
FLOW = ("processing", "confirmed", "shipped", "delivered")
CANCELLABLE = ("processing", "confirmed")
STATUS_TITLES = {"confirmed": "Order Confirmed", "shipped": "Order Shipped", "delivered": "Order Delivered",
                 "cancelled": "Order Cancelled"}


def unit_price(product):
    discount = Decimal(product.discount or 0)
    return (Decimal(product.price) * (100 - discount) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def shipping_fee(subtotal):
    return Decimal("0.00") if subtotal > FREE_SHIPPING_OVER else SHIPPING_FEE


def not_found():
    return NotFound("Order not found", code=ORDER_NOT_FOUND)


def next_order_number(session, now=None):
    """``ORD`` + ``YYMMDD`` + a sequence per day (4 digits, more past 9999), unique under concurrency:
    the day's counter row is incremented under its write lock until the transaction ends."""
    day = (now or utcnow()).strftime("%y%m%d")
    for _ in range(3):
        bumped = session.execute(update(OrderNumberCounter).where(OrderNumberCounter.day == day)
                                 .values(last=OrderNumberCounter.last + 1)
                                 .returning(OrderNumberCounter.last)).scalar()
        if bumped is not None:
            return f"ORD{day}{bumped:04d}"
        try:
            with session.begin_nested():
                session.add(OrderNumberCounter(day=day, last=1))
            return f"ORD{day}0001"
        except IntegrityError:  # another order started the day first: take the next number
            continue
    raise Conflict("Could not number the order; please retry")


def _wanted_lines(session, user_id, items):
    """``[(product_id, quantity, size, variant)]`` and whether they came from the cart."""
    if items:
        return [(i["productId"], i.get("quantity", 1), i.get("size") or "", i.get("variant") or "")
                for i in items], False
    cart = session.scalars(select(CartItem).where(CartItem.user_id == user_id)
                           .order_by(CartItem.created_at, CartItem.id)).all()
    return [(c.product_id, c.quantity, c.size, c.variant) for c in cart], True


def place_order(session, *, user_id, shipping_address, payment_method, notes="", items=None, now=None):
    """An order for the buyer's cart (emptied), or for ``items`` when given (the cart stays; a sent
    ``price`` is ignored: prices are the catalog's). Returns ``(order, notifications)``."""
    lines, from_cart = _wanted_lines(session, user_id, items)
    if not lines:
        raise RuleViolation("Cart is empty", code=CART_EMPTY, field="items" if items is not None else None)
    ids = {line[0] for line in lines}
    if not all(is_object_id(i) for i in ids):
        raise NotFound("Product not found", code="PROD_001")
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(ids)))}
    shops = {u.id: u for u in session.scalars(select(User).where(User.id.in_({p.shop_id for p in products.values()})))}
    order = Order(user_id=user_id, order_number=next_order_number(session, now), payment_method=payment_method,
                  shipping_address=shipping_address, notes=notes or "", status="processing", payment_status="pending")
    subtotal = Decimal("0.00")
    for position, (product_id, quantity, size, variant) in enumerate(lines):
        product = products.get(product_id)
        shop = shops.get(product.shop_id) if product else None
        if product is None or product.is_hidden or shop is None or shop.status != "active":
            raise NotFound("Product not found", code="PROD_001")
        if product.shop_id == user_id:
            raise RuleViolation(f"You cannot buy your own product: {product.name}", field="items")
        price = unit_price(product)
        subtotal += price * quantity
        order.items.append(OrderItem(position=position, product_id=product.id, shop_id=product.shop_id,
                                     name=product.name, image=(product.image_urls or [""])[0], price=price,
                                     quantity=quantity, size=size, variant=variant))
    stock.take_stock(session, [(product_id, quantity) for product_id, quantity, _, _ in lines])
    order.subtotal = subtotal
    order.shipping_fee = shipping_fee(subtotal)
    order.total = subtotal + order.shipping_fee
    session.add(order)
    if from_cart:
        session.execute(delete(CartItem).where(CartItem.user_id == user_id))
    session.flush()
    notes_sent = [notifications.notify(
        session, recipient_id=shop_id, type="order", title="New Order",
        message=f"New order {order.order_number}: {sum(i.quantity for i in order.items if i.shop_id == shop_id)} "
                f"item(s)", actor_id=user_id, order_id=order.id, action_url=f"/order/{order.id}",
        data={"orderId": order.id, "orderNumber": order.order_number})
        for shop_id in dict.fromkeys(i.shop_id for i in order.items)]
    return order, notes_sent


def _load(session, order_id, *, lock=False):
    if not is_object_id(order_id):
        raise not_found()
    stmt = select(Order).where(Order.id == order_id)
    if lock:
        stmt = stmt.with_for_update()
    order = session.scalars(stmt).first()
    if order is None:
        raise not_found()
    return order


def with_items(session, orders):
    """Load the lines of ``orders`` in one query (the relationship never loads lazily)."""
    ids = [o.id for o in orders]
    if ids:
        session.scalars(select(Order).where(Order.id.in_(ids)).options(selectinload(Order.items))
                        .execution_options(populate_existing=True)).all()
    return orders


def shop_ids(order):
    return list(dict.fromkeys(item.shop_id for item in order.items))


def get_order(session, *, order_id, viewer_id, viewer_type, lock=False):
    """The order for its buyer, a shop with products in it, or an administrator (else 403)."""
    order = _load(session, order_id, lock=lock)
    with_items(session, [order])
    if not (order.user_id == viewer_id or viewer_type == "admin" or viewer_id in shop_ids(order)):
        raise Forbidden("Not your order", code="AUTH_002")
    return order


def history(session, *, user_id, page=1, limit=10):
    found = page_query(session, select(Order).where(Order.user_id == user_id)
                       .order_by(Order.created_at.desc(), Order.id.desc()), page=page, limit=limit)
    with_items(session, found.items)
    return found


def for_shop(session, *, shop_id, status=None, page=1, limit=20):
    """Orders holding the shop's products, newest first. Returns ``(page, {buyer id: buyer})``."""
    mine = select(OrderItem.order_id).where(OrderItem.shop_id == shop_id)
    stmt = select(Order).where(Order.id.in_(mine))
    if status:
        stmt = stmt.where(Order.status == status)
    found = page_query(session, stmt.order_by(Order.created_at.desc(), Order.id.desc()), page=page, limit=limit)
    with_items(session, found.items)
    buyer_ids = {o.user_id for o in found.items}
    buyers = {u.id: u for u in session.scalars(select(User).where(User.id.in_(buyer_ids)))} if buyer_ids else {}
    return found, buyers


def _tell_buyer(session, order, actor_id, status, extra=""):
    return notifications.notify(
        session, recipient_id=order.user_id, type="order", title=STATUS_TITLES[status],
        message=f"Your order {order.order_number} is {status}.{extra}", actor_id=actor_id, order_id=order.id,
        action_url=f"/order/{order.id}", data={"orderId": order.id, "status": status})


def change_status(session, *, order_id, actor_id, actor_type, status, tracking_number=None,
                  estimated_delivery=None):
    """Move the order forward (or cancel it, before shipping), by a shop in it or an administrator.
    Returns ``(order, notifications, refund)`` (``refund``: see :func:`cancel`)."""
    order = get_order(session, order_id=order_id, viewer_id=actor_id, viewer_type=actor_type, lock=True)
    if actor_type != "admin" and actor_id not in shop_ids(order):
        raise Forbidden("Only the order's shop can change its status", code="AUTH_002")
    if status == "cancelled":
        return _cancel(session, order, actor_id=actor_id, reason="Cancelled by the shop")
    if order.status == "cancelled":
        raise Conflict("The order is cancelled", field="status")
    if FLOW.index(status) <= FLOW.index(order.status):
        raise Conflict(f"The order is already {order.status}; it cannot go back to {status}", field="status")
    if order.payment_method == "card" and order.payment_status != "paid":
        raise Conflict("The order is not paid yet", field="status")
    order.status = status
    if tracking_number is not None:
        order.tracking_number = tracking_number
    if estimated_delivery is not None:
        order.estimated_delivery = estimated_delivery
    if status == "delivered" and order.payment_method != "card":
        order.payment_status = "paid"  # cash or bKash on delivery
        order.paid_at = order.paid_at or utcnow()
    extra = f" Tracking number: {order.tracking_number}." if status == "shipped" and order.tracking_number else ""
    return order, [_tell_buyer(session, order, actor_id, status, extra)], None


def cancel(session, *, order_id, user_id, reason=None):
    """The buyer cancels before shipping (409 afterwards). Returns ``(order, notifications, refund)``,
    ``refund`` being ``(order id, payment intent)`` to refund through Stripe after the commit, or None."""
    order = _load(session, order_id, lock=True)
    with_items(session, [order])
    if order.user_id != user_id:
        raise Forbidden("Not your order", code="AUTH_002")
    return _cancel(session, order, actor_id=user_id, reason=reason)


def _cancel(session, order, *, actor_id, reason):
    if order.status not in CANCELLABLE:
        raise Conflict("Order cannot be cancelled at this stage", field="status")
    order.status, order.cancelled_at, order.cancel_reason = "cancelled", utcnow(), reason
    release_stock(session, order)
    refund = mark_for_refund(order)
    sent = [notifications.notify(
        session, recipient_id=recipient, type="order", title="Order Cancelled",
        message=f"Order {order.order_number} was cancelled.", actor_id=actor_id, order_id=order.id,
        action_url=f"/order/{order.id}", data={"orderId": order.id, "status": "cancelled"})
        for recipient in [order.user_id, *shop_ids(order)]]
    return order, sent, refund


def release_stock(session, order):
    """Give the order's stock back, once (the caller holds the order's row lock)."""
    if order.stock_released:
        return False
    session.flush()  # the stock service expires what is loaded: write the order's changes first
    stock.restore_stock(session, [(i.product_id, i.quantity) for i in order.items if i.product_id])
    with_items(session, [order])  # the stock service expired everything loaded
    order.stock_released = True
    return True


def mark_for_refund(order):
    """A paid order that is cancelled is to be refunded: ``refund_status`` pending; returns what the
    caller refunds through Stripe after the commit (card payments), or None."""
    if order.payment_status != "paid" or order.refund_status is not None:
        return None
    order.refund_status = "pending"
    if order.payment_method == "card" and order.payment_intent_id:
        return order.id, order.payment_intent_id
    return None


def record_refund(session, *, order_id, payment_intent, refund_id=None, failed=False):
    """What Stripe answered to the refund of the order's payment (a duplicate payment's refund leaves
    the order as it is)."""
    order = _load(session, order_id, lock=True)
    if order.refund_status != "pending" or order.payment_intent_id != payment_intent:
        return order
    if failed:
        order.refund_status = "failed"
    else:
        order.refund_status, order.refund_id, order.payment_status = "refunded", refund_id, "refunded"
    return order

