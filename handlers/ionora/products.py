"""The public catalog (reads: a bare connection without transaction, plain rows, dumped with plans made from
the schemas)."""
from handlers.ionora.schemas import dump_product, pagination
from models.ionora import catalog, database
from models.paging import clamp


def _page(session, **filters):
    found = catalog.list_products(session, **filters)
    return {"products": dump_product.many(found.items), "pagination": pagination(found)}


def list_products(page=None, limit=None, sort=None, category=None, minPrice=None, maxPrice=None):
    with database.rows() as session:
        return _page(session, page=clamp(page, default=1, maximum=100_000),
                     limit=clamp(limit, default=20, maximum=100), sort=sort, category=category,
                     min_price=minPrice, max_price=maxPrice), 200


def search_products(q):
    with database.rows() as session:
        return {"products": dump_product.many(catalog.search_products(session, q=q))}, 200


def list_category_products(category, page=None, limit=None, sort=None):
    with database.rows() as session:
        return _page(session, page=clamp(page, default=1, maximum=100_000),
                     limit=clamp(limit, default=20, maximum=100), sort=sort, category=category), 200


def get_product(id):
    with database.rows() as session:
        return {"product": dump_product(catalog.find_product(session, product_id=id))}, 200
