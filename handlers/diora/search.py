"""Search: the Explore screen (``/search``) and the share/mention pickers."""
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.catalog import product_out
from handlers.diora.schemas.posts import posts_out
from handlers.diora.schemas.users import user_search_item
from models.diora import database, search as finder

KINDS = {"All": ("users", "shops", "posts", "products"), "Users": ("users",), "Shops": ("shops",),
         "Posts": ("posts",), "Products": ("products",)}


def _text(query, q):
    return (query if query is not None else q or "").strip()


def search(user, token_info, query=None, q=None, contentType="All", rating=None, availability=None,
           verification=None, followers=None, likes=None, priceRange=None, categories=None, page=1, limit=20):
    text = _text(query, q)
    kinds = KINDS.get(contentType or "All", KINDS["All"])
    admin = (token_info or {}).get("type") == "admin"
    body, pages = {"users": [], "shops": [], "posts": [], "products": []}, {}
    with database.reading() as session:
        for kind in ("users", "shops"):
            if kind in kinds:
                found = finder.accounts(session, query=text, type=kind[:-1], verification=verification,
                                        followers=followers, rating=rating, page=page, limit=limit)
                body[kind], pages[kind] = [user_search_item(u) for u in found.items], pagination(found)
        if "posts" in kinds:
            shown, found = finder.find_posts(session, query=text, viewer_id=user, viewer_is_admin=admin, likes=likes,
                                             availability=availability, page=page, limit=limit)
            body["posts"], pages["posts"] = posts_out(shown), pagination(found)
        if "products" in kinds:
            found = finder.find_products(session, query=text, viewer_is_admin=admin, availability=availability,
                                         price_range=priceRange, category=categories, rating=rating, page=page,
                                         limit=limit)
            body["products"], pages["products"] = [product_out(p) for p in found.items], pagination(found)
    return ok(**body, pagination=pages), 200


def search_users(user, q=None, query=None, page=1, limit=20):
    return _picker(user, "user", _text(query, q), page, limit, key="users")


def search_shops(user, q=None, query=None, page=1, limit=20):
    return _picker(user, "shop", _text(query, q), page, limit, key="shops")


def _picker(user, type, text, page, limit, *, key):
    with database.reading() as session:
        if text:
            found = finder.accounts(session, query=text, type=type, page=page, limit=limit)
        else:
            found = finder.followed(session, user_id=user, type=type, page=page, limit=limit)
        items = [user_search_item(u) for u in found.items]
    extra = {"shops": items} if key == "shops" else {}
    return ok(users=items, **extra, count=found.total, pagination=pagination(found)), 200
