"""Administrators finding products to moderate (``GET /admin/products/search``), in SQL: every product,
hidden ones included, with its shop and review count. Hiding and showing is the catalog's own
``models.diora.products.hide_product``."""
from sqlalchemy import func, or_, select

from models.diora.tables.catalog import Product
from models.diora.tables.users import User
from models.diora.user_search import ESCAPE, _like
from models.paging import page_query


def search_products(session, *, query=None, reported=None, hidden=None, shop_id=None, out_of_stock=None, page=1,
                    limit=20):
    """Matching ``query`` in the name or description (case-insensitive, literal); ``reported``: only
    reported ones (or only unreported); ``hidden``, ``shop_id`` and ``out_of_stock`` likewise. Most
    reported first, then newest. Returns ``(page, {shop id: shop})``."""
    stmt = select(Product)
    if query and query.strip():
        pattern = _like(query.strip())
        stmt = stmt.where(or_(func.lower(Product.name).like(pattern, escape=ESCAPE),
                              func.lower(Product.description).like(pattern, escape=ESCAPE)))
    if reported is not None:
        stmt = stmt.where(Product.reports > 0 if reported else Product.reports == 0)
    if hidden is not None:
        stmt = stmt.where(Product.is_hidden.is_(hidden))
    if shop_id:
        stmt = stmt.where(Product.shop_id == shop_id)
    if out_of_stock is not None:
        stmt = stmt.where(Product.stock <= 0 if out_of_stock else Product.stock > 0)
    found = page_query(session, stmt.order_by(Product.reports.desc(), Product.created_at.desc(), Product.id),
                       page=page, limit=limit)
    ids = {p.shop_id for p in found.items}
    shops = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return found, shops
