"""Accounts: sign-up and sign-in, the profile, its settings, onboarding and the shop profile.

Services take the session first and everything else by keyword, raise domain errors and never commit.
Passwords are hashed and checked by the caller before the write transaction opens (bcrypt never holds
the write lock): :func:`check_password` and :func:`models.passwords.hash_password`.
"""
import copy
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from models.base import as_utc, utcnow
from models.diora import standing
from models.diora.tables.users import (
    NOTIFICATION_SWITCHES, User, default_notification_settings, default_onboarding, default_privacy,
    default_shop_profile,
)
from models.diora.tables.users import Follow
from models.errors import Conflict, NotFound, RuleViolation, Unauthorized
from models.ids import is_object_id
from models.passwords import verify_against_nothing, verify_password

USER_NOT_FOUND = "USER_001"
LOGIN_FAILED = "Invalid username/email or password"
SEEN_EVERY = 300  # seconds: last_active_at is written at most this often


def normalise(value):
    return value.strip().lower()


def user_not_found():
    return NotFound("User not found", code=USER_NOT_FOUND)


def get_user(session, user_id, *, lock=False):
    """The account with ``user_id`` (404 ``USER_001`` when there is none)."""
    if not is_object_id(user_id):
        raise user_not_found()
    stmt = select(User).where(User.id == user_id)
    if lock:
        stmt = stmt.with_for_update()
    user = session.scalars(stmt).first()
    if user is None:
        raise user_not_found()
    return user


def find_by_login(session, identifier):
    """The account whose username or email is ``identifier`` (case-insensitive), or None."""
    value = normalise(identifier)
    return session.scalars(select(User).where(or_(User.username == value, User.email == value))).first()


def check_password(account, password):
    """Sign-in's slow half, outside any transaction: raises 401 unless ``password`` is ``account``'s."""
    if account is None:
        verify_against_nothing(password)
        raise Unauthorized(LOGIN_FAILED)
    if not verify_password(password, account.password_hash):
        raise Unauthorized(LOGIN_FAILED)


def create_account(session, *, email, username, full_name, password_hash, type="user", is_verified=False):
    """A new account (``type`` user, shop or admin). 409 when the username or email is taken."""
    username, email = normalise(username), normalise(email)
    taken = session.execute(select(User.username, User.email).where(
        or_(User.username == username, User.email == email))).all()
    if any(row.username == username for row in taken):
        raise Conflict("Username already taken", field="username")
    if taken:
        raise Conflict("Email already used", field="email")
    user = User(email=email, username=username, full_name=full_name.strip(), password_hash=password_hash, type=type,
                is_verified=is_verified, bio="", location="", shop_categories="", theme="light",
                notification_settings=default_notification_settings(),
                privacy=default_privacy(), onboarding=default_onboarding(),
                shop_profile=default_shop_profile() if type == "shop" else None)
    session.add(user)
    _flush_unique(session)
    return user


def record_login(session, *, user_id, password_hash):
    """The account signing in, checked again under its row lock: the password it was checked against is
    still its password, a lapsed suspension is lifted, a ban or running suspension refuses (403
    ``USER_002`` with the reason and end), and ``last_active_at`` becomes now."""
    user = get_user(session, user_id, lock=True)
    if user.password_hash != password_hash:
        raise Unauthorized(LOGIN_FAILED)
    if standing.suspension_lapsed(user):
        user.status, user.suspended_until, user.suspension_reason = "active", None, None
    problem = standing.refusal(user, at_login=True)
    if problem is not None:
        raise problem
    user.last_active_at = utcnow()
    return user


def activity_is_stale(user, now=None):
    """Whether ``GET /user/me`` should record activity: ``last_active_at`` is written at most every
    :data:`SEEN_EVERY` seconds per account, so reading one's profile is not a write every time."""
    last = as_utc(user.last_active_at)
    return last is None or ((now or utcnow()) - last).total_seconds() > SEEN_EVERY


def record_activity(session, *, user_id, now=None):
    now = now or utcnow()
    session.execute(update(User).where(User.id == user_id).values(last_active_at=now)
                    .execution_options(synchronize_session=False))
    return now


@dataclass
class Profile:
    """An account with the lists its profile shows (ids, newest first)."""

    user: User
    followers: list = field(default_factory=list)
    following: list = field(default_factory=list)
    liked_posts: list = field(default_factory=list)


def profile(session, user, *, with_likes=False):
    """:class:`Profile` for ``user``: two indexed reads for the follow lists (and the liked posts)."""
    followers = list(session.scalars(select(Follow.follower_id).where(Follow.followed_id == user.id)
                                     .order_by(Follow.created_at.desc(), Follow.follower_id)))
    following = list(session.scalars(select(Follow.followed_id).where(Follow.follower_id == user.id)
                                     .order_by(Follow.created_at.desc(), Follow.followed_id)))
    return Profile(user, followers, following, liked_post_ids(session, user.id) if with_likes else [])


def liked_post_ids(session, user_id):
    """Ids of the posts ``user_id`` liked, newest like first (the client's ``user.likedPosts``).
    The likes live in the posts area's table (``post_likes``)."""
    from models.diora import post  # the posts area imports this module
    return post.liked_post_ids(session, user_id)


def update_profile(session, *, user_id, changes, avatar=None):
    """``fullName``, ``bio`` and ``username`` from ``changes``; ``avatar`` is ``(url, storage id)``."""
    user = get_user(session, user_id, lock=True)
    if "username" in changes:
        username = normalise(changes["username"])
        if username != user.username:
            if session.scalar(select(User.id).where(User.username == username)) is not None:
                raise Conflict("Username already exists", field="username")
            user.username = username
    if "fullName" in changes:
        user.full_name = changes["fullName"].strip()
    if "bio" in changes:
        user.bio = changes["bio"]
    if avatar is not None:
        user.avatar, user.avatar_id = avatar
    _flush_unique(session)
    return user


def change_password(session, *, user_id, checked_hash, new_hash):
    """Set ``new_hash``, provided the password is still the one the caller's current password was
    checked against (``checked_hash``)."""
    user = get_user(session, user_id, lock=True)
    if user.password_hash != checked_hash:
        raise RuleViolation("Current password is incorrect", field="currentPassword")
    user.password_hash = new_hash
    return user


def change_email(session, *, user_id, email, checked_hash=None):
    """A new email address; ``checked_hash`` (when the caller confirmed with the password) must still
    be the account's password."""
    user = get_user(session, user_id, lock=True)
    if checked_hash is not None and user.password_hash != checked_hash:
        raise RuleViolation("Password is incorrect", field="password")
    email = normalise(email)
    if email == user.email:
        raise RuleViolation("New email is the same as current email", field="email")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("Email already used", field="email")
    user.email = email
    _flush_unique(session)
    return user


def settings_of(user):
    """The settings as the API shows them: the original's switches with the reference's names beside."""
    notifications = {**default_notification_settings(), **(user.notification_settings or {})}
    notifications["likeNotifications"] = notifications["likes"]
    notifications["commentNotifications"] = notifications["comments"]
    return {"theme": user.theme, "privacy": {**default_privacy(), **(user.privacy or {})},
            "notifications": notifications}


def update_settings(session, *, user_id, changes):
    """Merge ``theme``, ``privacy`` and ``notifications`` (either naming) into the stored settings."""
    user = get_user(session, user_id, lock=True)
    if "theme" in changes:
        user.theme = changes["theme"]
    if "privacy" in changes:
        user.privacy = {**default_privacy(), **(user.privacy or {}), **changes["privacy"]}
    if "notifications" in changes:
        incoming = dict(changes["notifications"])
        for alias, name in (("likeNotifications", "likes"), ("commentNotifications", "comments")):
            if alias in incoming:
                incoming.setdefault(name, incoming.pop(alias))
        user.notification_settings = {**default_notification_settings(), **(user.notification_settings or {}),
                                      **incoming}
    return user


def wants(user_settings, switch):
    """Whether a recipient whose ``notification_settings`` are ``user_settings`` wants ``switch``."""
    if switch not in NOTIFICATION_SWITCHES:
        return True
    return bool((user_settings or {}).get(switch, True))


def complete_onboarding(session, *, user_id, onboarding=None, interests=None, location=None):
    """Merge the client's ``onboarding`` (profile, preferences, step) or the reference's ``interests``
    and ``location``; the onboarding is then complete (``step`` 4 unless given)."""
    user = get_user(session, user_id, lock=True)
    current = _merged(default_onboarding(), user.onboarding or {})
    sent = onboarding or {}
    for part in ("profile", "preferences"):
        if part in sent:
            current[part].update(sent[part])
    if interests is not None:
        current["profile"]["interests"] = list(interests)
    if location is not None:
        current["profile"]["location"] = location
    current["step"] = sent.get("step", 4)
    current["isComplete"] = sent.get("isComplete", True)
    current["completedAt"] = _stamp() if current["isComplete"] else None
    user.onboarding = current
    if user.type != "shop":
        user.location = current["profile"].get("location") or ""
    return user


def complete_shop_onboarding(session, *, user_id, onboarding=None, shop=None, avatar=None, business_details=None):
    """A shop's first set-up: its shop profile (``shop``, or the reference's ``businessDetails``
    category and description), its avatar URL, and the onboarding marked complete."""
    user = get_user(session, user_id, lock=True)
    _apply_shop(user, shop or {})
    if business_details:
        if business_details.get("category"):
            categories = list(user.shop_profile.get("categories") or [])
            if business_details["category"] not in categories:
                categories.append(business_details["category"])
            user.shop_profile = {**user.shop_profile, "categories": categories}
        if "description" in business_details:
            user.bio = business_details["description"]
    if avatar is not None:
        user.avatar = avatar
    sent = onboarding or {}
    current = _merged(default_onboarding(), user.onboarding or {})
    current["isComplete"] = sent.get("isComplete", True)
    current["step"] = sent.get("step", 4)
    current["completedAt"] = _stamp() if current["isComplete"] else None
    user.onboarding = current
    return user


def update_shop_details(session, *, user_id, shop=None, business_name=None, business_description=None):
    """The shop profile fields in ``shop``; the reference's ``businessName`` / ``businessDescription``
    are the shop's display name and description (``fullName`` and ``bio``)."""
    user = get_user(session, user_id, lock=True)
    _apply_shop(user, shop or {})
    if business_name is not None:
        user.full_name = business_name.strip()
    if business_description is not None:
        user.bio = business_description
    return user


def _apply_shop(user, changes):
    current = _merged(default_shop_profile(), user.shop_profile or {})
    for key, value in changes.items():
        if key == "socialLinks":
            current["socialLinks"] = {**current["socialLinks"], **value}
        else:
            current[key] = value
    user.shop_profile = current
    user.location = current.get("location") or ""
    user.shop_categories = category_key(current.get("categories") or [])


def category_key(categories):
    """Categories as one searchable text: ``|men|tops|`` (lower-case; ``|`` inside a name dropped)."""
    names = [c.replace("|", "").strip().lower() for c in categories]
    return "|" + "|".join(n for n in names if n) + "|" if any(names) else ""


def _merged(defaults, stored):
    merged = copy.deepcopy(defaults)
    for key, value in stored.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _flush_unique(session):
    """Flush; a unique username or email taken by a concurrent request is the 409 it would have been."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        field = "email" if "email" in str(exc.orig).lower() else "username"
        raise Conflict("Email already used" if field == "email" else "Username already taken", field=field) from None


def _stamp():
    """Now as the API writes times inside JSON documents: ``2025-01-01T00:00:00.000Z``."""
    return utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z")
