"""Finding users and shops (``/userSearch``)."""
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.users import user_search_item
from models.diora import database, user_search


def search_users(query=None, type=None, location=None, page=1, limit=20):
    with database.reading() as session:
        found = user_search.search_users(session, query=query, type=type, location=location, page=page, limit=limit)
        return ok(users=[user_search_item(u) for u in found.items], pagination=pagination(found)), 200


def search_shops(query=None, category=None, rating=None, page=1, limit=20):
    with database.reading() as session:
        found = user_search.search_shops(session, query=query, category=category, rating=rating, page=page,
                                         limit=limit)
        return ok(shops=[user_search_item(u) for u in found.items], pagination=pagination(found)), 200


def search_all(query=None, page=1, limit=20):
    with database.reading() as session:
        people = user_search.search_users(session, query=query, type="user", page=page, limit=limit)
        shops = user_search.search_shops(session, query=query, page=page, limit=limit)
        return ok(users=[user_search_item(u) for u in people.items], shops=[user_search_item(u) for u in shops.items],
                  pagination={"users": pagination(people), "shops": pagination(shops)}), 200

