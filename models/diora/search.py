"""The Explore screen's search (``/search``) and the share/mention pickers (``/search/users``,
``/search/shops``), filtered and paged in SQL.

Accounts match when their username or full name contains the query (case-insensitive, literal).
Post captions are matched by full text on PostgreSQL (``to_tsvector('simple', caption)``, a GIN index;
every word of the query must start a word of the caption) and by a case-insensitive substring on
SQLite. Only what the caller may see is found: active accounts (no administrators), visible posts.
"""
import datetime as dt
import re

from sqlalchemy import Float, and_, case, cast, func, literal_column, or_, select

from models.base import utcnow
from models.diora import post as posts
from models.diora import products as catalog
from models.diora.tables.catalog import Product
from models.diora.tables.post import Post
from models.diora.tables.users import Follow, User
from models.paging import Page, page_query

ESCAPE = "\\"
RATINGS = {"4+ Stars": 4.0, "4.5+ Stars": 4.5, "4.8+ Stars": 4.8}
FOLLOWERS = {"0-1K": (0, 1000), "1K-10K": (1000, 10000), "10K-50K": (10000, 50000), "50K+": (50000, None)}
LIKES = {"0-100": (0, 100), "100-500": (100, 500), "500-1000": (500, 1000), "1000+": (1000, None)}
NEW_ARRIVAL_DAYS = 7
PRICES = {"$0-$50": (0, 50), "$50-$100": (50, 100), "$100-$200": (100, 200), "$200+": (200, None)}


def _contains(text):
    escaped = text.strip().lower().replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def _named(stmt, query):
    if not query or not query.strip():
        return stmt
    pattern = _contains(query)
    return stmt.where(or_(func.lower(User.username).like(pattern, escape=ESCAPE),
                          func.lower(User.full_name).like(pattern, escape=ESCAPE)))


def _within(column, bounds):
    low, high = bounds
    clause = column >= low
    return and_(clause, column < high) if high is not None else clause


def accounts(session, *, query=None, type="user", verification=None, followers=None, rating=None, page=1, limit=20):
    """Active accounts of ``type`` matching ``query`` and the Explore filters, most followed first."""
    stmt = _named(select(User).where(User.type == type, User.status == "active"), query)
    if verification == "Verified Only":
        stmt = stmt.where(User.is_verified.is_(True))
    elif verification == "Unverified":
        stmt = stmt.where(User.is_verified.is_(False))
    if followers in FOLLOWERS:
        stmt = stmt.where(_within(User.followers_count, FOLLOWERS[followers]))
    if type == "shop" and rating in RATINGS:
        average = case((User.shop_review_count > 0, cast(User.shop_rating_sum, Float) / User.shop_review_count),
                       else_=0.0)
        stmt = stmt.where(User.shop_review_count > 0, average >= RATINGS[rating])
    return page_query(session, stmt.order_by(User.followers_count.desc(), User.id), page=page, limit=limit)


def caption_matches(session, query):
    """SQL: the post's caption matches ``query`` (full text on PostgreSQL, a substring elsewhere)."""
    if session.get_bind().dialect.name == "postgresql":
        words = re.findall(r"\w+", query.lower())
        if not words:
            return literal_column("false")
        tsquery = " & ".join(f"{word}:*" for word in words)
        document = func.to_tsvector(literal_column("'simple'::regconfig"), Post.caption)
        return document.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), tsquery))
    return func.lower(Post.caption).like(_contains(query), escape=ESCAPE)


def find_posts(session, *, query=None, viewer_id=None, viewer_is_admin=False, likes=None, availability=None,
               page=1, limit=20, now=None):
    """Visible posts whose caption matches ``query``, with the ``likes`` range; newest first."""
    stmt = posts.visible(select(Post, User).join(User, User.id == Post.user_id), viewer_is_admin=viewer_is_admin)
    if query and query.strip():
        stmt = stmt.where(caption_matches(session, query))
    if likes in LIKES:
        stmt = stmt.where(_within(Post.stars, LIKES[likes]))
    if availability == "New Arrivals":
        stmt = stmt.where(Post.created_at >= (now or utcnow()) - dt.timedelta(days=NEW_ARRIVAL_DAYS))
    stmt = stmt.order_by(Post.created_at.desc(), Post.id.desc())
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.execute(stmt.limit(limit).offset((page - 1) * limit)).all()
    return posts.shown(session, [tuple(r) for r in rows], viewer_id), Page(items=[], total=total, page=page,
                                                                            limit=limit)


def find_products(session, *, query=None, viewer_is_admin=False, availability=None, price_range=None,
                  category=None, rating=None, page=1, limit=20, now=None):
    """Products the caller may see whose name or description contains ``query`` (case-insensitive,
    literal), with the Explore filters: ``availability`` (``In Stock``: stock left; ``On Sale``: a
    discount; ``New Arrivals``: listed in the last 7 days), ``price_range`` on the discounted price
    (lower bound included, upper excluded), ``category``, ``rating`` (average review rating); newest
    first, with their shops loaded."""
    stmt = catalog.visible(select(Product), as_admin=viewer_is_admin)
    if query and query.strip():
        pattern = _contains(query)
        stmt = stmt.where(or_(func.lower(Product.name).like(pattern, escape=ESCAPE),
                              func.lower(Product.description).like(pattern, escape=ESCAPE)))
    if availability == "In Stock":
        stmt = stmt.where(Product.stock > 0)
    elif availability == "On Sale":
        stmt = stmt.where(Product.discount > 0)
    elif availability == "New Arrivals":
        stmt = stmt.where(Product.created_at >= (now or utcnow()) - dt.timedelta(days=NEW_ARRIVAL_DAYS))
    if price_range in PRICES:
        stmt = stmt.where(_within(Product.price * (100 - Product.discount) / 100, PRICES[price_range]))
    if category and category != "All":
        stmt = catalog.category_filter(stmt, category)
    if rating in RATINGS:
        average = case((Product.review_count > 0, cast(Product.rating_sum, Float) / Product.review_count), else_=0.0)
        stmt = stmt.where(Product.review_count > 0, average >= RATINGS[rating])
    found = page_query(session, stmt.order_by(Product.created_at.desc(), Product.id.desc()), page=page, limit=limit)
    catalog.attach_shops(session, found.items)
    return found


def followed(session, *, user_id, type, page=1, limit=20):
    """The active accounts of ``type`` that ``user_id`` follows, most recently followed first (the
    pickers' answer to an empty query)."""
    stmt = (select(User).join(Follow, and_(Follow.followed_id == User.id, Follow.follower_id == user_id))
            .where(User.type == type, User.status == "active").order_by(Follow.created_at.desc(), User.id))
    return page_query(session, stmt, page=page, limit=limit)
