"""The cart: one line per product, quantities checked against stock, and its summary."""
from collections import namedtuple

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models.base import utcnow
from models.errors import NotFound, RuleViolation
from models.ionora.catalog import get_product, resolve_external
from models.ionora.entities import CartItem, Product
from models.ionora.money import summarize
from models.ionora.users import as_uuid

ITEM_NOT_FOUND = "Cart item not found."


def lines(session, *, user_id, lock=False):
    """The user's cart lines, newest first, with their products loaded."""
    stmt = (select(CartItem).where(CartItem.user_id == as_uuid(user_id))
            .options(selectinload(CartItem.product))
            .order_by(CartItem.added_at.desc(), CartItem.id))
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt))


def summary_of(cart_lines):
    return summarize([(line.product.final_price, line.quantity) for line in cart_lines])


# What the cart shows of each line and its product: the view selects these columns (no ORM objects, so it
# runs on a bare connection as well as in a session) and hands back plain tuples shaped as the dump expects.
CartLine = namedtuple("CartLine", "id quantity added_at product")
CartProduct = namedtuple("CartProduct", "id name description category final_price images stock_quantity")

_VIEW = (select(CartItem.id, CartItem.quantity, CartItem.added_at, Product.id, Product.name, Product.description,
                Product.category, Product.final_price, Product.images, Product.stock_quantity)
         .join(Product, Product.id == CartItem.product_id)
         .where(CartItem.user_id == bindparam("user_id"))
         .order_by(CartItem.added_at.desc(), CartItem.id))


def view(session, *, user_id):
    """The cart as :class:`CartLine` tuples (``id``, ``quantity``, ``added_at``, ``product.*``), newest
    first, and its summary. ``session`` may be a Session or a Core connection."""
    found = [CartLine(row[0], row[1], row[2], CartProduct(*row[3:]))
             for row in session.execute(_VIEW, {"user_id": as_uuid(user_id)})]
    return found, summary_of(found)


def check_stock(product, quantity):
    if product.stock_quantity <= 0:
        raise RuleViolation("Product is out of stock.", field="quantity")
    if quantity > product.stock_quantity:
        raise RuleViolation(f"Only {product.stock_quantity} units available in stock.", field="quantity")


def add_item(session, *, user_id, quantity, product_id=None, external_id=None):
    """Add ``quantity`` of an active product (to the existing line if there is one), named by its id or
    by the ``external_id`` a static storefront knows it by."""
    user_id = as_uuid(user_id)
    if product_id is None and external_id is not None:
        product = resolve_external(session, external_id=external_id)
    else:
        product = get_product(session, product_id=product_id)
    line = _line_for(session, user_id, product.id)
    check_stock(product, quantity + (line.quantity if line else 0))
    if line is not None:
        line.quantity += quantity
        line.added_at = utcnow()
        session.flush()
        return line
    line = CartItem(user_id=user_id, product_id=product.id, quantity=quantity, added_at=utcnow())
    try:
        with session.begin_nested():
            session.add(line)
            session.flush()
    except IntegrityError:  # a concurrent request added the same product first
        line = _line_for(session, user_id, product.id)
        check_stock(product, quantity + line.quantity)
        line.quantity += quantity
        line.added_at = utcnow()
        session.flush()
    return line


def update_item(session, *, user_id, item_id, quantity):
    line = _own_line(session, user_id, item_id)
    product = get_product(session, product_id=line.product_id, active_only=False)
    if not product.is_active:
        raise RuleViolation("Product is no longer available.")
    check_stock(product, quantity)
    line.quantity = quantity
    session.flush()
    return line


def remove_item(session, *, user_id, item_id):
    session.delete(_own_line(session, user_id, item_id))
    session.flush()


def clear(session, *, user_id):
    session.execute(delete(CartItem).where(CartItem.user_id == as_uuid(user_id)))


def _line_for(session, user_id, product_id):
    stmt = select(CartItem).where(CartItem.user_id == user_id, CartItem.product_id == product_id).with_for_update()
    return session.scalars(stmt).first()


def _own_line(session, user_id, item_id):
    key = as_uuid(item_id)
    stmt = select(CartItem).where(CartItem.id == key, CartItem.user_id == as_uuid(user_id)).with_for_update()
    line = session.scalars(stmt).first() if key else None
    if line is None:
        raise NotFound(ITEM_NOT_FOUND)
    return line
