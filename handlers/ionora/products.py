"""The public catalog."""
from handlers.ionora.schemas import pagination, product_out, products_out
from models.ionora import catalog, database
from models.paging import clamp


def _page(session, **filters):
    found = catalog.list_products(session, **filters)
    return {"products": products_out.dump(found.items), "pagination": pagination(found)}


def list_products(page=None, limit=None, sort=None, category=None, minPrice=None, maxPrice=None):
    with database.unit_of_work() as uow:
        return _page(uow.session, page=clamp(page, default=1, maximum=100_000),
                     limit=clamp(limit, default=20, maximum=100), sort=sort, category=category,
                     min_price=minPrice, max_price=maxPrice), 200


def search_products(q):
    with database.unit_of_work() as uow:
        return {"products": products_out.dump(catalog.search_products(uow.session, q=q))}, 200


def list_category_products(category, page=None, limit=None, sort=None):
    with database.unit_of_work() as uow:
        return _page(uow.session, page=clamp(page, default=1, maximum=100_000),
                     limit=clamp(limit, default=20, maximum=100), sort=sort, category=category), 200


def get_product(id):
    with database.unit_of_work() as uow:
        return {"product": product_out.dump(catalog.get_product(uow.session, product_id=id))}, 200
