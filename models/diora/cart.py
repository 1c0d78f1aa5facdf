"""A user's cart: lines identified by (product, size, variant), one row each (``cart_items``).

Adding merges into the line with the same identity; a quantity of 0 removes a line. Stock is checked
against the product's row, locked for the change: 400 ``CART_002`` ``Product is out of stock`` and
400 ``CART_003`` ``Only <n> items available in stock``. Lines of products nobody may see any more
(hidden, or their shop suspended or banned) stay stored but are not shown, and never reach an order.

For the orders area: :func:`checkout_lines` (the visible lines, products loaded) and :func:`clear`."""
from sqlalchemy import delete, select

from models.diora import products
from models.diora.tables.catalog import CartItem, Product
from models.errors import NotFound, RuleViolation

OUT_OF_STOCK = "CART_002"
NOT_ENOUGH_STOCK = "CART_003"
LINE_NOT_FOUND = "CART_004"


def _identity(size, variant):
    return (size or "").strip(), (variant or "").strip()


def lines(session, user_id):
    """The user's visible lines, oldest first, each with ``product`` (and ``product.shop``) loaded."""
    stmt = (products.visible(select(CartItem, Product).join(Product, Product.id == CartItem.product_id), as_admin=False)
            .where(CartItem.user_id == user_id).order_by(CartItem.created_at, CartItem.id))
    found = []
    for line, product in session.execute(stmt).all():
        line.product = product
        found.append(line)
    products.attach_shops(session, [line.product for line in found])
    return found


checkout_lines = lines


def _check_stock(product, quantity):
    if product.stock <= 0:
        raise RuleViolation("Product is out of stock", field="productId", code=OUT_OF_STOCK)
    if quantity > product.stock:
        raise RuleViolation(f"Only {product.stock} items available in stock", field="quantity",
                            code=NOT_ENOUGH_STOCK, details={"available": product.stock})


def _line(session, user_id, product_id, size, variant):
    size, variant = _identity(size, variant)
    return session.scalars(select(CartItem).where(CartItem.user_id == user_id, CartItem.product_id == product_id,
                                                  CartItem.size == size, CartItem.variant == variant)
                           .with_for_update()).first()


def add(session, *, user_id, product_id, quantity=1, size=None, variant=None):
    """Put ``quantity`` more of the product (in that size and variant) in the cart."""
    product = products.get_product(session, product_id, lock=True)
    line = _line(session, user_id, product_id, size, variant)
    _check_stock(product, quantity + (line.quantity if line else 0))
    if line is None:
        size, variant = _identity(size, variant)
        session.add(CartItem(user_id=user_id, product_id=product_id, size=size, variant=variant, quantity=quantity))
    else:
        line.quantity += quantity
    session.flush()
    return lines(session, user_id)


def set_quantity(session, *, user_id, product_id, quantity, size=None, variant=None):
    """Set a line's quantity; 0 removes it. 404 ``CART_004`` when there is no such line."""
    if quantity < 0:
        raise RuleViolation("Quantity cannot be negative", field="quantity")
    line = _line(session, user_id, product_id, size, variant)
    if line is None:
        raise NotFound("Item not found in cart", code=LINE_NOT_FOUND)
    if quantity == 0:
        session.delete(line)
    else:
        _check_stock(products.get_product(session, product_id, lock=True), quantity)
        line.quantity = quantity
    session.flush()
    return lines(session, user_id)


def remove(session, *, user_id, product_id, size=None, variant=None):
    """Remove the line (its size and variant; without them, every line of the product)."""
    stmt = delete(CartItem).where(CartItem.user_id == user_id, CartItem.product_id == product_id)
    if size is not None or variant is not None:
        size, variant = _identity(size, variant)
        stmt = stmt.where(CartItem.size == size, CartItem.variant == variant)
    session.execute(stmt.execution_options(synchronize_session=False))
    return lines(session, user_id)


def clear(session, user_id):
    """Empty the cart (also after an order is placed)."""
    session.execute(delete(CartItem).where(CartItem.user_id == user_id).execution_options(synchronize_session=False))


