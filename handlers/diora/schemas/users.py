"""Account objects as every area shows them (spec components in ``openapi/diora.yaml``):

- :data:`user_summary_out` (``UserSummary``): the author of a post, comment, review or message.
- :func:`public_user` (``PublicUser``): a profile as others see it (no email, settings or moderation notes).
- :func:`self_user` (``User``): the signed-in account itself (``/user/me``, login, signup, updates).
- :func:`restricted_user` (``RestrictedUser``): a banned or suspended profile as non-administrators see it.
- :func:`shop_info` (``ShopInfo``): the ``shop`` object of a shop account (None for other accounts).
- :func:`trending_user` (``TrendingUser``): a trending list entry, counts instead of id lists.
- :func:`user_search_item` (``UserSearchItem``): a search result (a user or a shop).

``public_user``/``self_user`` take a :class:`models.diora.users.Profile` (the account and its lists).
"""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from models.diora.tables.users import default_shop_profile
from models.diora.users import settings_of

AVATAR_PLACEHOLDER = "https://upload.wikimedia.org/wikipedia/commons/8/89/Portrait_Placeholder.png"


def shop_info(user):
    if user.type != "shop":
        return None
    stored = user.shop_profile or {}
    info = {**default_shop_profile(), **stored}
    info["socialLinks"] = {**default_shop_profile()["socialLinks"], **(stored.get("socialLinks") or {})}
    count = user.shop_review_count or 0
    info.update(rating=user.shop_rating_sum or 0, reviewCount=count,
                averageRating=round((user.shop_rating_sum or 0) / count, 1) if count else 0)
    return info


class UserSummaryOut(Schema):
    _id = fields.String(attribute="id")
    username = fields.String()
    fullName = fields.String(attribute="full_name")
    avatar = fields.String(allow_none=True)
    type = fields.String()
    isVerified = fields.Boolean(attribute="is_verified")
    status = fields.String()


class _AccountOut(Schema):
    """The fields of ``PublicUser``, read from the account."""

    _id = fields.String(attribute="id")
    username = fields.String()
    fullName = fields.String(attribute="full_name")
    avatar = fields.String(allow_none=True)
    bio = fields.String()
    isVerified = fields.Boolean(attribute="is_verified")
    type = fields.String()
    status = fields.String()
    followersCount = fields.Integer(attribute="followers_count")
    followingCount = fields.Integer(attribute="following_count")
    posts = fields.Integer(attribute="posts_count")
    createdAt = IsoZ(attribute="created_at")
    shop = fields.Function(shop_info)


class _SelfAccountOut(_AccountOut):
    email = fields.String()
    avatarId = fields.String(attribute="avatar_id", allow_none=True)
    suspendedUntil = IsoZ(attribute="suspended_until")
    suspensionReason = fields.String(attribute="suspension_reason", allow_none=True)
    banReason = fields.String(attribute="ban_reason", allow_none=True)
    bannedAt = IsoZ(attribute="banned_at")
    lastActiveAt = IsoZ(attribute="last_active_at")
    settings = fields.Function(settings_of)
    onboarding = fields.Dict()


class RestrictedUserOut(Schema):
    _id = fields.String(attribute="id")
    username = fields.String()
    fullName = fields.String(attribute="full_name")
    avatar = fields.String(allow_none=True)
    type = fields.String()
    status = fields.String()
    bannedAt = IsoZ(attribute="banned_at")
    banReason = fields.String(attribute="ban_reason", allow_none=True)
    suspendedUntil = IsoZ(attribute="suspended_until")
    suspensionReason = fields.String(attribute="suspension_reason", allow_none=True)


class TrendingUserOut(Schema):
    _id = fields.String(attribute="id")
    username = fields.String()
    fullName = fields.String(attribute="full_name")
    avatar = fields.Function(lambda u: u.avatar or AVATAR_PLACEHOLDER)
    followers = fields.Integer(attribute="followers_count")
    following = fields.Integer(attribute="following_count")
    postsCount = fields.Integer(attribute="posts_count")
    isVerified = fields.Boolean(attribute="is_verified")
    status = fields.String()
    type = fields.String()


class UserSearchItemOut(UserSummaryOut):
    bio = fields.String()
    location = fields.String()
    followersCount = fields.Integer(attribute="followers_count")
    shop = fields.Function(shop_info)


user_summary_out = dumper(UserSummaryOut())
user_search_item = dumper(UserSearchItemOut())
_account_out = dumper(_AccountOut())
_self_account_out = dumper(_SelfAccountOut())
restricted_user = dumper(RestrictedUserOut())
trending_user = dumper(TrendingUserOut())


def public_user(profile):
    return {**_account_out(profile.user), "followers": profile.followers, "following": profile.following}


def self_user(profile):
    return {**_self_account_out(profile.user), "followers": profile.followers, "following": profile.following,
            "likedPosts": profile.liked_posts}
