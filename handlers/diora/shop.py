"""Shops: the list, trending, a shop's profile, setting up and changing a shop, deleting it, following
it, and the owner's analytics."""
from handlers.diora.images import discard, json_object, store_one, string_list
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.catalog import product_out, shop_card
from handlers.diora.schemas.users import self_user
from handlers.fields import iso_z
from models.diora import database, products, shops, users

PROFILE_PRODUCTS = 20


def _admin(token_info):
    return (token_info or {}).get("type") == "admin"


def list_shops(token_info, page=1, limit=20):
    with database.reading() as session:
        found = shops.list_shops(session, as_admin=_admin(token_info), page=page, limit=limit)
        counts = shops.product_counts(session, [s.id for s in found.items])
        shown = [shop_card(s, counts.get(s.id, 0)) for s in found.items]
    return ok(shops=shown, pagination=pagination(found)), 200


def get_trending_shops(user, token_info, limit=10):
    with database.reading() as session:
        found = shops.trending_shops(session, viewer_id=user, as_admin=_admin(token_info), limit=limit)
        counts = shops.product_counts(session, [s.id for s in found])
        shown = [shop_card(s, counts.get(s.id, 0)) for s in found]
    return ok(trendingShops=shown, shops=shown), 200


def get_shop(shopId, user, token_info):
    admin = _admin(token_info)
    with database.reading() as session:
        shop = shops.get_shop(session, shopId, as_admin=admin)
        listed = products.browse(session, as_admin=admin, shop_id=shop.id, page=1, limit=PROFILE_PRODUCTS)
        card = shop_card(shop, listed.total)
        following = shops.is_following(session, user_id=user, shop_id=shop.id)
        shown = {**card, "products": [product_out(p) for p in listed.items], "isFollowing": following}
    return ok(shop=shown), 200


def _fields(body):
    fields = dict(body or {})
    if "categories" in fields:
        fields["categories"] = string_list(fields["categories"], field="categories")
    if "socialLinks" in fields:
        fields["socialLinks"] = json_object(fields["socialLinks"], field="socialLinks")
    return fields


def _shown(session, account):
    return shop_card(account, shops.product_counts(session, [account.id]).get(account.id, 0))


def create_shop(body, user):
    with database.unit_of_work() as uow:
        account = shops.create_shop(uow.session, user_id=user, fields=_fields(body))
        shown = _shown(uow.session, account)
        uow.commit()
    return ok("Shop created successfully", shop=shown), 201


def update_shop(shopId, body, user, token_info):
    with database.unit_of_work() as uow:
        account = shops.update_shop(uow.session, shop_id=shopId, actor_id=user, as_admin=_admin(token_info),
                                    fields=_fields(body))
        shown = _shown(uow.session, account)
        uow.commit()
    return ok("Shop updated successfully", shop=shown), 200


def update_shop_profile(user, body=None, avatar=None, coverImage=None):
    fields = _fields(body)
    new_avatar = store_one(avatar, field="avatar")
    try:
        new_cover = store_one(coverImage, field="coverImage")
    except BaseException:
        discard([new_avatar and new_avatar[1]])
        raise
    fresh = [stored[1] for stored in (new_avatar, new_cover) if stored]
    try:
        with database.unit_of_work() as uow:
            account, replaced = shops.update_profile(uow.session, user_id=user, fields=fields, avatar=new_avatar,
                                                     cover=new_cover)
            shown = self_user(users.profile(uow.session, account, with_likes=True))
            uow.commit()
    except BaseException:
        discard(fresh)
        raise
    discard(key for key in replaced if key.startswith("images/"))
    return ok("Shop profile updated successfully", user=shown), 200


def delete_shop(shopId, user, token_info):
    with database.unit_of_work() as uow:
        shops.delete_shop(uow.session, shop_id=shopId, actor_id=user, as_admin=_admin(token_info))
        uow.commit()
    return ok("Shop deleted successfully"), 200


def follow_shop(shopId, user, token_info):
    with database.unit_of_work() as uow:
        following, ids, notes = shops.toggle_follow(uow.session, user_id=user, shop_id=shopId,
                                                    as_admin=_admin(token_info))
        events = dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    message = "Successfully followed the shop" if following else "Successfully unfollowed the shop"
    return ok(message, following=ids, isFollowing=following), 200


def get_analytics(user):
    with database.reading() as session:
        figures = shops.analytics(session, shop_id=user)
    for order in figures["recentOrders"]:
        order["createdAt"] = iso_z(order["createdAt"])
    return ok(analytics=figures), 200
