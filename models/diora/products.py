"""Products: browsing (filters, sorting and paging in SQL), the trending list, a shop's products, and a
shop's own listings (create, update, delete), plus :func:`hide_product` for moderation.

Visibility: a hidden product, or any product of a shop that is suspended or banned, is found by nobody but
administrators (for everyone else it is 404 ``PROD_001``, as if it did not exist)."""
from decimal import Decimal

from sqlalchemy import Float, cast, func, literal, select

from models.base import utcnow
from models.diora import users
from models.diora.tables.catalog import CartItem, Product, Review, WishlistItem
from models.diora.tables.users import User
from models.diora.trending import days_since
from models.errors import Forbidden, NotFound
from models.ids import is_object_id
from models.paging import page_query

PRODUCT_NOT_FOUND = "PROD_001"
ACCESS_DENIED = "AUTH_002"
SORTS = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (Product.price.asc(), Product.created_at.desc(), Product.id.desc()),
    "price_desc": (Product.price.desc(), Product.created_at.desc(), Product.id.desc()),
}
ESCAPE = "\\"
EDITABLE = ("name", "description", "price", "discount", "stock", "category", "sizes", "variants")


def product_not_found():
    return NotFound("Product not found", code=PRODUCT_NOT_FOUND)


def visible(stmt, *, as_admin):
    """Narrow a select over :class:`Product` to what a non-administrator may see (joins the shop)."""
    stmt = stmt.join(User, User.id == Product.shop_id)
    if as_admin:
        return stmt
    return stmt.where(Product.is_hidden.is_(False), User.status == "active")


def category_key(categories):
    return users.category_key(categories)


def category_filter(stmt, category):
    key = category.replace("|", "").strip().lower()
    escaped = key.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return stmt.where(Product.categories_key.like(f"%|{escaped}|%", escape=ESCAPE))


def browse(session, *, as_admin=False, category=None, sort=None, page=1, limit=20, shop_id=None):
    """One page of products (newest first unless ``sort`` says otherwise), with their shops loaded."""
    stmt = visible(select(Product), as_admin=as_admin)
    if shop_id is not None:
        stmt = stmt.where(Product.shop_id == shop_id)
    if category and category.strip():
        stmt = category_filter(stmt, category)
    stmt = stmt.order_by(*SORTS.get(sort or "newest", SORTS["newest"]))
    result = page_query(session, stmt, page=page, limit=limit)
    attach_shops(session, result.items)
    return result


def attach_shops(session, products):
    """Load the shops of ``products`` in one query (``product.shop``)."""
    ids = {p.shop_id for p in products}
    shops = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    for product in products:
        product.shop = shops.get(product.shop_id)
    return products


def trending(session, *, as_admin=False, limit=10, now=None):
    """Products by purchase volume and engagement, computed in SQL:
    ``score = sold + 0.5 · wishlisted + 0.3 · in carts + 0.5 · reviews · average / 5 + recency``,
    where ``recency = 2 / (1 + age in days / 7)`` favours new listings a little. Ties: newer, then id."""
    now = now or utcnow()
    at = literal(now, type_=Product.created_at.type)
    wished = (select(WishlistItem.product_id.label("pid"), func.count().label("n"))
              .group_by(WishlistItem.product_id).subquery())
    carted = (select(CartItem.product_id.label("pid"), func.count().label("n"))
              .group_by(CartItem.product_id).subquery())
    average = cast(Product.rating_sum, Float) / func.nullif(Product.review_count, 0)
    score = (cast(Product.sold_count, Float) + 0.5 * cast(func.coalesce(wished.c.n, 0), Float)
             + 0.3 * cast(func.coalesce(carted.c.n, 0), Float)
             + 0.1 * cast(Product.review_count, Float) * func.coalesce(average, 0.0)
             + 2.0 / (1.0 + days_since(Product.created_at, at) / 7.0)).label("score")
    stmt = (visible(select(Product, score), as_admin=as_admin)
            .outerjoin(wished, wished.c.pid == Product.id).outerjoin(carted, carted.c.pid == Product.id)
            .order_by(score.desc(), Product.created_at.desc(), Product.id.desc()).limit(limit))
    found = [product for product, _ in session.execute(stmt).all()]
    return attach_shops(session, found)


def get_product(session, product_id, *, as_admin=False, lock=False):
    """The product (404 ``PROD_001`` when it does not exist or the caller may not see it)."""
    if not is_object_id(product_id):
        raise product_not_found()
    stmt = visible(select(Product), as_admin=as_admin).where(Product.id == product_id)
    if lock:
        stmt = stmt.with_for_update(of=Product)
    product = session.scalars(stmt).first()
    if product is None:
        raise product_not_found()
    attach_shops(session, [product])
    return product


def recent_reviews(session, product_id, *, limit=10):
    stmt = (select(Review).where(Review.product_id == product_id)
            .order_by(Review.created_at.desc(), Review.id.desc()).limit(limit))
    reviews = list(session.scalars(stmt))
    authors = {u.id: u for u in session.scalars(select(User).where(User.id.in_({r.user_id for r in reviews})))}
    for review in reviews:
        review.author = authors.get(review.user_id)
    return reviews


def create_product(session, *, shop_id, fields, images):
    """A new listing of the shop ``shop_id``; ``images`` are ``(url, storage id)`` pairs."""
    product = Product(shop_id=shop_id, image_urls=[url for url, _ in images], image_ids=[key for _, key in images],
                      **_columns(fields))
    session.add(product)
    session.flush()
    attach_shops(session, [product])
    return product


def update_product(session, *, product_id, shop_id, fields, images=None):
    """Change the listing (the owning shop only: 403 ``AUTH_002`` for another). New ``images``, when
    given, replace the old ones; returns ``(product, storage ids no longer used)``."""
    product = _own(session, product_id, shop_id, "update")
    for key, value in _columns(fields).items():
        setattr(product, key, value)
    dropped = []
    if images:
        dropped = list(product.image_ids or [])
        product.image_urls = [url for url, _ in images]
        product.image_ids = [key for _, key in images]
    product.updated_at = utcnow()
    session.flush()
    attach_shops(session, [product])
    return product, dropped


def delete_product(session, *, product_id, shop_id):
    """Remove the listing (the owning shop only); returns its storage ids."""
    product = _own(session, product_id, shop_id, "delete")
    keys = list(product.image_ids or [])
    session.delete(product)
    session.flush()
    return keys


def hide_product(session, product_id, hidden):
    """Moderation: hide (``hidden`` true) or show a product; 404 ``PROD_001`` when there is none."""
    if not is_object_id(product_id):
        raise product_not_found()
    product = session.scalars(select(Product).where(Product.id == product_id).with_for_update()).first()
    if product is None:
        raise product_not_found()
    product.is_hidden = bool(hidden)
    product.updated_at = utcnow()
    session.flush()
    return product


def _own(session, product_id, shop_id, verb):
    if not is_object_id(product_id):
        raise product_not_found()
    product = session.scalars(select(Product).where(Product.id == product_id).with_for_update()).first()
    if product is None:
        raise product_not_found()
    if product.shop_id != shop_id:
        raise Forbidden(f"Not authorized to {verb} this product", code=ACCESS_DENIED)
    return product


def _columns(fields):
    values = {}
    for key in EDITABLE:
        if key not in fields or fields[key] is None:
            continue
        value = fields[key]
        if key in ("price", "discount"):
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        elif key in ("name", "description"):
            value = value.strip()
        elif key in ("category", "sizes", "variants"):
            value = [v.strip() for v in value if v and v.strip()]
        values[key] = value
    if "category" in values:
        values["categories_key"] = category_key(values["category"])
    return values

