"""The product catalog: public browsing and search, and the administrators' product management."""
import functools
from decimal import Decimal

from sqlalchemy import bindparam, desc, func, literal_column, or_, select
from sqlalchemy.exc import IntegrityError

from models.errors import Conflict, InvalidInput, NotFound, RuleViolation
from models.ionora.entities import SEARCH_VECTOR, Product
from models.ionora.money import round2
from models.ionora.users import BLANK, as_uuid
from models.paging import Paged, dialect_name, order_by, page_rows

NOT_FOUND = "Product not found."
UNRESOLVED = "Unable to resolve product for cart."
SEARCH_LIMIT = 50
SORTS = {
    "latest": (Product.created_at.desc(), Product.id),
    "price_asc": (Product.price.asc(), Product.created_at.desc(), Product.id),
    "price_desc": (Product.price.desc(), Product.created_at.desc(), Product.id),
}
# What a product response shows: the public reads select these columns and build no ORM objects.
COLUMNS = (Product.id, Product.name, Product.description, Product.price, Product.discount_percentage,
           Product.final_price, Product.category, Product.stock_quantity, Product.images, Product.specifications,
           Product.is_active, Product.created_at, Product.updated_at)
EDITABLE = ("external_id", "name", "description", "price", "discount_percentage", "category", "stock_quantity", "images",
            "specifications", "is_active")


def list_products(session, *, page, limit, sort=None, category=None, min_price=None, max_price=None):
    """Active products, one page of rows (:data:`COLUMNS`); ``min_price``/``max_price`` bound the price
    after discount. The total is exact up to ``models.paging.ESTIMATE_FROM`` products, estimated above."""
    filters = {"category": category,
               "min_price": None if min_price is None else Decimal(str(min_price)),
               "max_price": None if max_price is None else Decimal(str(max_price))}
    params = {name: value for name, value in filters.items() if value is not None}
    query = _listing(sort if sort in SORTS else "latest", *(value is not None for value in filters.values()))
    return page_rows(session, query, params, page=page, limit=limit,
                     count_key=("ionora.products", category, min_price, max_price))


@functools.cache
def _listing(sort, by_category, by_min_price, by_max_price):
    """The listing statement for one sort and set of filters, built once (values are bound per request)."""
    stmt = select(*COLUMNS).where(Product.is_active.is_(True))
    if by_category:
        stmt = stmt.where(Product.category == bindparam("category"))
    if by_min_price:
        stmt = stmt.where(Product.final_price >= bindparam("min_price", type_=Product.final_price.type))
    if by_max_price:
        stmt = stmt.where(Product.final_price <= bindparam("max_price", type_=Product.final_price.type))
    return Paged(order_by(stmt, sort, SORTS, default="latest"))


def search_products(session, *, q):
    """Rows (:data:`COLUMNS`) matching a full-text search over name and description: PostgreSQL
    matches the stored search vector with ``plainto_tsquery`` and ranks by ``ts_rank``; elsewhere every
    word must appear (case-insensitively) in the name or the description."""
    q = (q or "").strip(BLANK)
    if not q:
        raise InvalidInput("Search query parameter 'q' is required.")
    if dialect_name(session) == "postgresql":
        return session.execute(_FULL_TEXT, {"q": q}).all()
    stmt = select(*COLUMNS).where(Product.is_active.is_(True))
    for word in q.split()[:10]:
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(Product.name).like(pattern, escape="\\"),
                              func.lower(func.coalesce(Product.description, "")).like(pattern, escape="\\")))
    return session.execute(stmt.order_by(Product.created_at.desc(), Product.id).limit(SEARCH_LIMIT)).all()


def _full_text():
    vector, query = literal_column(SEARCH_VECTOR), func.plainto_tsquery("english", bindparam("q"))
    return (select(*COLUMNS).where(Product.is_active.is_(True), vector.op("@@")(query))
            .order_by(desc(func.ts_rank(vector, query)), Product.created_at.desc(), Product.id)
            .limit(SEARCH_LIMIT))


_FULL_TEXT = _full_text()
_FIND = select(*COLUMNS).where(Product.id == bindparam("id"), Product.is_active.is_(True))


def find_product(session, *, product_id):
    """One active product as a row (:data:`COLUMNS`), for showing; NotFound otherwise."""
    key = as_uuid(product_id)
    row = session.execute(_FIND, {"id": key}).first() if key else None
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def get_product(session, *, product_id, active_only=True, lock=False):
    key = as_uuid(product_id)
    stmt = select(Product).where(Product.id == key)
    if active_only:
        stmt = stmt.where(Product.is_active.is_(True))
    if lock:
        stmt = stmt.with_for_update()
    product = session.scalars(stmt).first() if key else None
    if product is None:
        raise NotFound(NOT_FOUND)
    return product


def resolve_external(session, *, external_id):
    """The active product a static storefront calls ``external_id``. Only the id is trusted: whatever
    name, price or stock the storefront sent along is ignored."""
    key = (external_id or "").strip(BLANK)
    product = session.scalars(select(Product).where(Product.external_id == key)).first() if key else None
    if product is None:
        raise RuleViolation(UNRESOLVED, field="product.external_id")
    if not product.is_active:
        raise NotFound(NOT_FOUND)
    return product


def create_product(session, *, data):
    _check_external_id(session, data.get("external_id"))
    product = Product(
        external_id=_external(data.get("external_id")),
        name=data["name"].strip(BLANK),
        description=data.get("description"),
        price=round2(Decimal(str(data["price"]))),
        discount_percentage=round2(Decimal(str(data.get("discount_percentage", 0)))),
        category=data.get("category"),
        stock_quantity=data.get("stock_quantity", 0),
        images=_images(data.get("images", [])),
        specifications=data.get("specifications") or {},
        is_active=data.get("is_active", True),
    )
    session.add(product)
    _flush_unique(session, product.external_id)
    return product


def update_product(session, *, product_id, changes):
    product = get_product(session, product_id=product_id, active_only=False, lock=True)
    for key in EDITABLE:
        if key not in changes:
            continue
        value = changes[key]
        if key in ("price", "discount_percentage"):
            value = round2(Decimal(str(value)))
        elif key == "images":
            value = _images(value)
        elif key == "name":
            value = value.strip(BLANK)
        elif key == "specifications":
            value = value or {}
        elif key == "external_id":
            value = _external(value)
            _check_external_id(session, value, product_id=product.id)
        setattr(product, key, value)
    product.reprice()
    _flush_unique(session, product.external_id)
    return product


def deactivate_product(session, *, product_id):
    product = get_product(session, product_id=product_id, active_only=False, lock=True)
    product.is_active = False
    session.flush()
    return product


def _flush_unique(session, external_id):
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the same external_id was taken concurrently
        raise Conflict(f"Another product already has external_id {external_id!r}.", field="external_id") from None


def _external(value):
    value = value.strip(BLANK) if isinstance(value, str) else None
    return value or None


def _check_external_id(session, external_id, product_id=None):
    """``external_id`` names one product (the unique index backs this up under races)."""
    external_id = _external(external_id)
    if external_id is None:
        return
    stmt = select(Product.id).where(Product.external_id == external_id)
    if product_id is not None:
        stmt = stmt.where(Product.id != product_id)
    if session.scalar(stmt) is not None:
        raise Conflict(f"Another product already has external_id {external_id!r}.", field="external_id")


def _images(values):
    """Trimmed, blanks dropped (as the original)."""
    return [v.strip(BLANK) for v in values if v.strip(BLANK)]
