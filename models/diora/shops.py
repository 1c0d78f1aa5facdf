"""Shops: accounts of ``type: shop`` and their shop profile (``users.shop_profile``).

Listing and the trending list (a popularity score in SQL), a shop's profile, setting up and changing a
shop (its owner, or an administrator), deleting a shop account, following, and the owner's analytics
from real order items (:mod:`models.diora.sales`). A suspended or banned shop is 404 for everyone but
administrators."""
import datetime as dt

from sqlalchemy import Float, and_, cast, func, literal, select

from models.base import utcnow
from models.diora import follows, sales, users
from models.diora.tables.catalog import Product, WishlistItem
from models.diora.tables.users import Follow, User
from models.diora.trending import HALF_LIFE_DAYS, RECENT_DAYS, days_since
from models.errors import Conflict, Forbidden, NotFound, RuleViolation
from models.ids import is_object_id
from models.paging import page_query

USER_NOT_FOUND = "USER_001"
ACCESS_DENIED = "AUTH_002"
PROFILE_KEYS = ("location", "contactEmail", "contactPhone", "website", "socialLinks", "categories", "businessType",
                "yearsInBusiness", "expectedProducts")


def shop_not_found():
    return NotFound("Shop not found", code=USER_NOT_FOUND)


def get_shop(session, shop_id, *, as_admin=False, lock=False):
    """The shop account (404 ``Shop not found`` for no account, an account that is not a shop, or a
    suspended or banned shop when the caller is not an administrator)."""
    if not is_object_id(shop_id):
        raise shop_not_found()
    stmt = select(User).where(User.id == shop_id, User.type == "shop")
    if not as_admin:
        stmt = stmt.where(User.status == "active")
    if lock:
        stmt = stmt.with_for_update()
    shop = session.scalars(stmt).first()
    if shop is None:
        raise shop_not_found()
    return shop


def list_shops(session, *, as_admin=False, page=1, limit=20):
    """Shops, newest first (active ones unless the caller is an administrator)."""
    stmt = select(User).where(User.type == "shop")
    if not as_admin:
        stmt = stmt.where(User.status == "active")
    return page_query(session, stmt.order_by(User.created_at.desc(), User.id.desc()), page=page, limit=limit)


def trending_shops(session, *, viewer_id, as_admin=False, limit=10, now=None):
    """Shops by popularity, computed in SQL, the viewer left out:
    ``score = Σ_recent 1 / (1 + d / 7) + 0.05 · followers + 0.1 · units sold + 0.2 · reviews · average / 5``
    (the sum over the follows received in the last 30 days, ``d`` each one's age in days; units sold over
    the shop's products). Ties: more followers, then the newer shop, then the id."""
    now = now or utcnow()
    at = literal(now, type_=User.created_at.type)
    recent = (select(Follow.followed_id.label("shop_id"),
                     func.sum(1.0 / (1.0 + days_since(Follow.created_at, at) / HALF_LIFE_DAYS)).label("heat"))
              .where(Follow.created_at >= now - dt.timedelta(days=RECENT_DAYS))
              .group_by(Follow.followed_id).subquery())
    sold = (select(Product.shop_id.label("shop_id"), func.sum(Product.sold_count).label("units"))
            .group_by(Product.shop_id).subquery())
    average = cast(User.shop_rating_sum, Float) / func.nullif(User.shop_review_count, 0)
    score = (func.coalesce(recent.c.heat, 0.0) + 0.05 * cast(User.followers_count, Float)
             + 0.1 * cast(func.coalesce(sold.c.units, 0), Float)
             + 0.04 * cast(User.shop_review_count, Float) * func.coalesce(average, 0.0)).label("score")
    stmt = (select(User, score).outerjoin(recent, recent.c.shop_id == User.id).outerjoin(sold, sold.c.shop_id == User.id)
            .where(User.type == "shop", User.id != viewer_id)
            .order_by(score.desc(), User.followers_count.desc(), User.created_at.desc(), User.id).limit(limit))
    if not as_admin:
        stmt = stmt.where(User.status == "active")
    return [shop for shop, _ in session.execute(stmt).all()]


def product_counts(session, shop_ids):
    """How many visible products each shop lists."""
    if not shop_ids:
        return {}
    stmt = (select(Product.shop_id, func.count()).where(Product.shop_id.in_(shop_ids), Product.is_hidden.is_(False))
            .group_by(Product.shop_id))
    return dict(session.execute(stmt).all())


def create_shop(session, *, user_id, fields):
    """Set up the shop of an account promoted to a shop (``POST /shop``): its name, description and
    profile, and its shop onboarding marked complete. 403 for an account that is not a shop (promotion
    comes first), 409 when the shop is already set up."""
    account = users.get_user(session, user_id, lock=True)
    if account.type != "shop":
        raise Forbidden("Shop promotion required. Request it with POST /user/request-promotion first.",
                        code=ACCESS_DENIED)
    if (account.onboarding or {}).get("isComplete"):
        raise Conflict("Shop already exists", field="shop")
    _apply(session, account, fields)
    account.onboarding = {**(account.onboarding or {}), "isComplete": True,
                          "completedAt": utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    return account


def update_shop(session, *, shop_id, actor_id, as_admin, fields):
    """Change the shop's name, description and profile: its owner, or an administrator (403 otherwise)."""
    shop = get_shop(session, shop_id, as_admin=as_admin, lock=True)
    if shop.id != actor_id and not as_admin:
        raise Forbidden("Not authorized to update this shop", code=ACCESS_DENIED)
    _apply(session, shop, fields)
    return shop


def update_profile(session, *, user_id, fields, avatar=None, cover=None):
    """The owner's ``PUT /shop/profile``: profile fields, and new avatar / cover images
    (``(url, storage id)``). Returns ``(account, storage ids replaced)``."""
    shop = users.get_user(session, user_id, lock=True)
    _apply(session, shop, fields)
    replaced = []
    if avatar is not None:
        replaced.append(shop.avatar_id)
        shop.avatar, shop.avatar_id = avatar
    if cover is not None:
        replaced.append((shop.shop_profile or {}).get("coverImageId"))
        users.update_shop_details(session, user_id=shop.id, shop={"coverImageUrl": cover[0], "coverImageId": cover[1]})
    return shop, [key for key in replaced if key]


def delete_shop(session, *, shop_id, actor_id, as_admin):
    """Delete the shop account with its products, reviews and follows (its owner, or an administrator)."""
    shop = get_shop(session, shop_id, as_admin=as_admin, lock=True)
    if shop.id != actor_id and not as_admin:
        raise Forbidden("Not authorized to delete this shop", code=ACCESS_DENIED)
    from models.diora import reviews  # reviews count on shops: imported here, not at the top
    reviews.withdraw_all_by(session, shop.id)
    followed = list(session.scalars(select(Follow.followed_id).where(Follow.follower_id == shop.id)))
    following_me = list(session.scalars(select(Follow.follower_id).where(Follow.followed_id == shop.id)))
    for other in session.scalars(select(User).where(User.id.in_(set(followed) | set(following_me)))
                                 .order_by(User.id).with_for_update()):
        if other.id in followed:
            other.followers_count = max(0, other.followers_count - 1)
        if other.id in following_me:
            other.following_count = max(0, other.following_count - 1)
    session.delete(shop)
    session.flush()


def toggle_follow(session, *, user_id, shop_id, as_admin=False):
    """Follow or unfollow a shop: ``(now_following, following_ids, notifications)``."""
    if user_id == shop_id:
        raise RuleViolation("Cannot follow your own shop", field="shopId")
    get_shop(session, shop_id, as_admin=as_admin)
    return follows.toggle_follow(session, follower_id=user_id, target_id=shop_id, viewer_is_admin=as_admin)


def is_following(session, *, user_id, shop_id):
    return follows.is_following(session, follower_id=user_id, target_id=shop_id)


def analytics(session, *, shop_id, now=None):
    """The owner's figures: the client's ``summary``, ``orderTrends`` (30 days), ``recentOrders`` and
    ``topProducts``, with the reference's ``totalSales``, ``ordersCount``, ``productsViews`` (not
    tracked: 0) and ``followersGrowth`` (new followers in 30 days) beside them."""
    now = now or utcnow()
    shop = users.get_user(session, shop_id)
    sold = sales.shop_sales(session, shop_id, now=now)
    total_products = session.scalar(select(func.count()).select_from(Product).where(Product.shop_id == shop_id))
    wishlisted = session.scalar(select(func.count()).select_from(WishlistItem)
                                .join(Product, Product.id == WishlistItem.product_id).where(Product.shop_id == shop_id))
    growth = session.scalar(select(func.count()).select_from(Follow).where(
        and_(Follow.followed_id == shop_id, Follow.created_at >= now - dt.timedelta(days=sales.TREND_DAYS))))
    return {
        "summary": {"totalOrders": sold["totalOrders"], "totalRevenue": sold["totalRevenue"],
                    "totalProducts": total_products or 0, "wishlistCount": wishlisted or 0,
                    "followers": shop.followers_count},
        "orderTrends": sold["orderTrends"],
        "recentOrders": sold["recentOrders"],
        "topProducts": sold["topProducts"],
        "totalSales": sold["totalRevenue"],
        "ordersCount": sold["totalOrders"],
        "unitsSold": sold["unitsSold"],
        "productsViews": 0,
        "followersGrowth": growth or 0,
    }


def _apply(session, account, fields):
    """Name (``name`` or ``fullName``), description (``description`` or ``bio``) and profile keys."""
    name = fields.get("name", fields.get("fullName"))
    description = fields.get("description", fields.get("bio"))
    profile = {key: fields[key] for key in PROFILE_KEYS if fields.get(key) is not None}
    if name is not None and not name.strip():
        raise RuleViolation("Shop name cannot be empty", field="name")
    users.update_shop_details(session, user_id=account.id, shop=profile,
                              business_name=name, business_description=description)
