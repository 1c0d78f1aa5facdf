"""What was bought, read from the orders area's tables: verified purchases for reviews and a shop's
analytics.

The orders area owns ``models.diora.tables.orders``; this module reads it through this interface only:

- ``Order``: ``id``, ``user_id`` (the buyer), ``status`` (``cancelled`` orders never count),
  ``created_at``, ``order_number``;
- ``OrderItem``: ``order_id``, ``product_id``, ``price`` (the unit price paid, after the discount) and
  ``quantity``.

Until that module exists every figure is zero and nothing is a verified purchase."""
import datetime as dt
import importlib

from sqlalchemy import Float, cast, func, select

from models.base import as_utc, utcnow
from models.diora.tables.catalog import Product

CANCELLED = "cancelled"
TREND_DAYS = 30


def _orders():
    try:
        module = importlib.import_module("models.diora.tables.orders")
    except ImportError:
        return None
    order, item = getattr(module, "Order", None), getattr(module, "OrderItem", None)
    if order is None or item is None:
        return None
    return order, item


def _counted(order, item):
    """A select of order items joined to their products and live (not cancelled) orders."""
    return (select().select_from(item).join(order, order.id == item.order_id)
            .join(Product, Product.id == item.product_id).where(order.status != CANCELLED))


def has_bought(session, *, user_id, product_id=None, shop_id=None):
    """Whether ``user_id`` has a live order with ``product_id``, or with any product of ``shop_id``."""
    tables = _orders()
    if tables is None:
        return False
    order, item = tables
    stmt = _counted(order, item).add_columns(item.order_id).where(order.user_id == user_id).limit(1)
    stmt = stmt.where(item.product_id == product_id) if product_id else stmt.where(Product.shop_id == shop_id)
    return session.execute(stmt).first() is not None


def shop_sales(session, shop_id, *, now=None):
    """``{totalOrders, totalRevenue, unitsSold, orderTrends, recentOrders, topProducts}`` for the shop:
    orders holding at least one of its products, revenue from its own items (price × quantity)."""
    empty = {"totalOrders": 0, "totalRevenue": 0.0, "unitsSold": 0, "orderTrends": [], "recentOrders": [],
             "topProducts": []}
    tables = _orders()
    if tables is None:
        return empty
    order, item = tables
    now = now or utcnow()
    revenue = func.sum(cast(item.price, Float) * item.quantity)
    mine = _counted(order, item).where(Product.shop_id == shop_id)
    totals = session.execute(mine.add_columns(func.count(func.distinct(order.id)), revenue,
                                              func.sum(item.quantity))).one()
    since = now - dt.timedelta(days=TREND_DAYS)
    daily = {}
    rows = session.execute(mine.add_columns(order.id, order.created_at, cast(item.price, Float) * item.quantity)
                           .where(order.created_at >= since)).all()
    for order_id, created_at, amount in rows:
        day = as_utc(created_at).date().isoformat()
        entry = daily.setdefault(day, {"_id": day, "orders": set(), "revenue": 0.0})
        entry["orders"].add(order_id)
        entry["revenue"] += float(amount or 0)
    trends = [{"_id": day, "orderCount": len(e["orders"]), "revenue": round(e["revenue"], 2)}
              for day, e in sorted(daily.items())]
    recent = session.execute(
        mine.add_columns(order.id, order.created_at, order.status, func.sum(cast(item.price, Float) * item.quantity),
                         func.sum(item.quantity))
        .group_by(order.id).order_by(order.created_at.desc()).limit(10)).all()
    top = session.execute(
        mine.add_columns(Product.id, Product.name, Product.image_urls, Product.price, func.sum(item.quantity).label("sold"),
                         revenue.label("revenue"))
        .group_by(Product.id)  # the other columns depend on the key
        .order_by(func.sum(item.quantity).desc(), Product.id).limit(5)).all()
    return {
        "totalOrders": totals[0] or 0,
        "totalRevenue": round(float(totals[1] or 0), 2),
        "unitsSold": int(totals[2] or 0),
        "orderTrends": trends,
        "recentOrders": [{"_id": oid, "createdAt": as_utc(at), "status": status, "revenue": round(float(amount or 0), 2),
                          "items": int(count or 0)} for oid, at, status, amount, count in recent],
        "topProducts": [{"_id": pid, "productId": pid, "name": name, "imageUrl": images or [], "price": float(price),
                         "totalSold": int(sold or 0), "sales": int(sold or 0), "revenue": round(float(rev or 0), 2)}
                        for pid, name, images, price, sold, rev in top],
    }
