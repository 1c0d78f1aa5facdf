"""Stock moves for orders, called inside the caller's unit of work (never commit here).

``lines`` is any iterable of ``(product_id, quantity)`` pairs, of mappings with ``productId``/``product_id``
and ``quantity``, or of objects with ``product_id`` and ``quantity`` attributes (cart lines, order items).
Quantities of the same product are added up; products are moved in id order (two orders never deadlock).

Each product moves by one conditional ``UPDATE ... WHERE stock >= n``: the check and the decrement are one
statement under the row's write lock on both databases, so two buyers of the last item cannot both get it.
A product's ``sold_count`` (its purchase volume, read by the trending list) moves with its stock."""
from collections import Counter

from sqlalchemy import select, update

from models.diora.tables.catalog import Product
from models.errors import NotFound, RuleViolation

PRODUCT_NOT_FOUND = "PROD_001"
OUT_OF_STOCK = "CART_002"


def _quantities(lines):
    wanted = Counter()
    for line in lines:
        if isinstance(line, tuple):
            product_id, quantity = line
        elif isinstance(line, dict):
            product_id = line.get("productId") or line.get("product_id")
            quantity = line.get("quantity")
        else:
            product_id, quantity = line.product_id, line.quantity
        if int(quantity) < 1:
            raise RuleViolation("Quantity must be at least 1", field="quantity")
        wanted[str(product_id)] += int(quantity)
    return sorted(wanted.items())


def take_stock(session, lines):
    """Take each line's quantity out of stock, or raise (and move nothing the caller keeps: the caller's
    transaction is rolled back by the error): 404 ``PROD_001`` for a product that is gone, 400 ``CART_002``
    ``Insufficient stock for <name>. Available: <n>, Requested: <m>`` (the original's message)."""
    for product_id, quantity in _quantities(lines):
        moved = session.execute(
            update(Product).where(Product.id == product_id, Product.stock >= quantity)
            .values(stock=Product.stock - quantity, sold_count=Product.sold_count + quantity)
            .execution_options(synchronize_session=False))
        if moved.rowcount == 1:
            continue
        row = session.execute(select(Product.name, Product.stock).where(Product.id == product_id)).first()
        if row is None:
            raise NotFound("Product not found", code=PRODUCT_NOT_FOUND)
        raise RuleViolation(f"Insufficient stock for {row.name}. Available: {row.stock}, Requested: {quantity}",
                            field="quantity", code=OUT_OF_STOCK,
                            details={"productId": product_id, "available": row.stock, "requested": quantity})
    session.expire_all()


def restore_stock(session, lines):
    """Put each line's quantity back (a cancelled or failed order); products that are gone are skipped."""
    for product_id, quantity in _quantities(lines):
        session.execute(
            update(Product).where(Product.id == product_id)
            .values(stock=Product.stock + quantity,
                    sold_count=Product.sold_count - quantity)
            .execution_options(synchronize_session=False))
    session.expire_all()
