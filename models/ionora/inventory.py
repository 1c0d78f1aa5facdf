"""Stock held by orders: taken with a conditional decrement, given back once."""
from sqlalchemy import select, update

from models.errors import RuleViolation
from models.ionora.entities import OrderItem, Product

INSUFFICIENT = "Insufficient stock for some items."


def insufficient(shortages):
    """``shortages``: [{product_id, available, requested}] (rendered next to the message)."""
    return RuleViolation(INSUFFICIENT, details={"insufficient": shortages})


def take(session, wanted):
    """Decrement stock for ``wanted`` ({product_id: quantity}) in product-id order (no deadlocks).

    Each decrement is ``UPDATE ... SET stock = stock - q WHERE id = :id AND is_active AND stock >= q``:
    the row lock it takes makes concurrent buyers queue, and a buyer who would oversell matches no row.
    Returns {product_id: final_price at the moment of the decrement}; raises with every shortage."""
    prices, shortages = {}, []
    for product_id in sorted(wanted, key=str):
        quantity = wanted[product_id]
        stmt = (update(Product)
                .where(Product.id == product_id, Product.is_active.is_(True), Product.stock_quantity >= quantity)
                .values(stock_quantity=Product.stock_quantity - quantity)
                .returning(Product.final_price)
                .execution_options(synchronize_session=False))
        price = session.execute(stmt).scalar()
        if price is None:
            row = session.execute(select(Product.stock_quantity, Product.is_active)
                                  .where(Product.id == product_id)).first()
            available = row.stock_quantity if row is not None and row.is_active else 0
            shortages.append({"product_id": str(product_id), "available": available, "requested": quantity})
        else:
            prices[product_id] = price
    if shortages:
        raise insufficient(shortages)
    return prices


def release(session, order):
    """Give an order's stock back, once (``inventory_locked`` records whether it still holds it)."""
    if not order.inventory_locked:
        return False
    rows = session.execute(select(OrderItem.product_id, OrderItem.quantity).where(OrderItem.order_id == order.id))
    for product_id, quantity in sorted(rows, key=lambda r: str(r[0])):
        session.execute(update(Product).where(Product.id == product_id)
                        .values(stock_quantity=Product.stock_quantity + quantity)
                        .execution_options(synchronize_session=False))
    order.inventory_locked = False
    session.flush()
    return True
