"""What was bought, read from the orders area's tables: verified purchases for reviews and a shop's
analytics.

The orders area owns ``models.diora.tables.orders``; this module reads it through this interface only:

- ``Order``: ``id``, ``user_id`` (the buyer), ``status`` (``cancelled`` orders never count), ``created_at``;
- ``OrderItem``: ``order_id``, ``product_id`` (null once the product is deleted), ``shop_id``, ``name``,
  ``price`` (the unit price paid, after the discount) and ``quantity``.

Until that module exists every figure is zero and nothing is a verified purchase."""
import datetime as dt
import importlib

from sqlalchemy import Float, cast, func, select

from models.base import as_utc, utcnow
from models.diora.tables.catalog import Product

CANCELLED = "cancelled"
TREND_DAYS = 30
RECENT_ORDERS = 10
TOP_PRODUCTS = 5


def _orders():
    try:
        module = importlib.import_module("models.diora.tables.orders")
    except ImportError:
        return None
    order, item = getattr(module, "Order", None), getattr(module, "OrderItem", None)
    if order is None or item is None:
        return None
    return order, item


def _live(order, item):
    """Order items of live (not cancelled) orders."""
    return select().select_from(item).join(order, order.id == item.order_id).where(order.status != CANCELLED)


def has_bought(session, *, user_id, product_id=None, shop_id=None):
    """Whether ``user_id`` has a live order with ``product_id``, or with any product of ``shop_id``."""
    tables = _orders()
    if tables is None:
        return False
    order, item = tables
    stmt = _live(order, item).add_columns(item.order_id).where(order.user_id == user_id).limit(1)
    stmt = stmt.where(item.product_id == product_id) if product_id else stmt.where(item.shop_id == shop_id)
    return session.execute(stmt).first() is not None


def shop_sales(session, shop_id, *, now=None):
    """``{totalOrders, totalRevenue, unitsSold, orderTrends, recentOrders, topProducts}`` for the shop:
    orders holding at least one of its items; revenue from its own items (unit price paid × quantity)."""
    tables = _orders()
    if tables is None:
        return {"totalOrders": 0, "totalRevenue": 0.0, "unitsSold": 0, "orderTrends": [], "recentOrders": [],
                "topProducts": []}
    order, item = tables
    now = now or utcnow()
    amount = cast(item.price, Float) * item.quantity
    mine = _live(order, item).where(item.shop_id == shop_id)
    orders_count, revenue, units = session.execute(
        mine.add_columns(func.count(func.distinct(order.id)), func.sum(amount), func.sum(item.quantity))).one()
    daily = {}
    for order_id, created_at, value in session.execute(
            mine.add_columns(order.id, order.created_at, amount)
            .where(order.created_at >= now - dt.timedelta(days=TREND_DAYS))).all():
        day = as_utc(created_at).date().isoformat()
        entry = daily.setdefault(day, [set(), 0.0])
        entry[0].add(order_id)
        entry[1] += float(value or 0)
    recent = session.execute(
        mine.add_columns(order.id, func.max(order.created_at), func.max(order.status), func.sum(amount),
                         func.sum(item.quantity))
        .group_by(order.id).order_by(func.max(order.created_at).desc(), order.id).limit(RECENT_ORDERS)).all()
    sold = func.sum(item.quantity)
    top = session.execute(
        mine.where(item.product_id.is_not(None))
        .add_columns(item.product_id, func.max(item.name), sold, func.sum(amount))
        .group_by(item.product_id).order_by(sold.desc(), item.product_id).limit(TOP_PRODUCTS)).all()
    current = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_([row[0] for row in top])))}
    return {
        "totalOrders": orders_count or 0,
        "totalRevenue": round(float(revenue or 0), 2),
        "unitsSold": int(units or 0),
        "orderTrends": [{"_id": day, "orderCount": len(ids), "revenue": round(total, 2)}
                        for day, (ids, total) in sorted(daily.items())],
        "recentOrders": [{"_id": oid, "createdAt": as_utc(at), "status": status, "revenue": round(float(value or 0), 2),
                          "items": int(count or 0)} for oid, at, status, value, count in recent],
        "topProducts": [_top(pid, name, count, value, current.get(pid)) for pid, name, count, value in top],
    }


def _top(product_id, name, count, value, product):
    return {"_id": product_id, "productId": product_id, "name": product.name if product else name,
            "imageUrl": list(product.image_urls or []) if product else [],
            "price": float(product.price) if product else 0.0, "totalSold": int(count or 0), "sales": int(count or 0),
            "revenue": round(float(value or 0), 2)}
