"""Accounts: the users table, registration, profile changes, and what a bearer token is checked against.

Sign-in is by an e-mailed one-time code (``otp.py``) or Google; accounts have no password. An account
whose ``account_status`` is not ``active`` is refused everywhere (the bearer check and every sign-in).
Deleting an account closes it: the row stays (its orders, bids and messages keep their author) with
``account_status`` ``deleted``, its e-mail and Google account are released for a new registration, and
the users API no longer finds it (404).
"""
import datetime as dt
import uuid

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Uuid, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from models.invare import InvareBase
from models.invare.columns import Money, checked_enum
from models.invare.countries import Country, require_country
from models.invare.ids import as_uuid
from models.invare.paging import page_of

ACCOUNT_STATUSES = ("active", "suspended", "deleted")
REGISTER_TYPES = ("email", "google")
ADMIN_FIELDS = ("isAdmin", "isCarrier", "accountStatus", "subscriptionTier")
USER_NOT_FOUND = "User not found"
EMAIL_TAKEN = "Email already exists"
GOOGLE_TAKEN = "Google account already linked to another user"
NOT_ACTIVE = "Account is not active"
OWN_ACCOUNT_ONLY = "You can only manage your own account"
ADMIN_FIELDS_ONLY = "Only administrators can change isAdmin, isCarrier, accountStatus or subscriptionTier"
SELF_LOCKOUT = "Administrators cannot delete, suspend or demote their own account"
GOOGLE_INVALID = "Invalid Google credentials"
GOOGLE_ID_REQUIRED = "googleId is required when registerType is google"

# request field -> column, for the fields a profile change may set
PROFILE_FIELDS = {"email": "email", "firstName": "first_name", "lastName": "last_name", "phone": "phone",
                  "countryId": "country_id", "avatar": "avatar", "googleId": "google_id",
                  "registerType": "register_type", "isAdmin": "is_admin", "isCarrier": "is_carrier",
                  "accountStatus": "account_status", "subscriptionTier": "subscription_tier"}


class User(UuidPk, Timestamps, InvareBase):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    account_status: Mapped[str] = mapped_column(checked_enum(ACCOUNT_STATUSES, "account_status", 16),
                                                default="active", server_default="active", index=True)
    subscription_tier: Mapped[str | None] = mapped_column(String(32))
    country_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("countries.id", ondelete="SET NULL"),
                                                         index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_carrier: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", index=True)
    google_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    register_type: Mapped[str] = mapped_column(checked_enum(REGISTER_TYPES, "register_type", 16),
                                               default="email", server_default="email")
    avatar: Mapped[str | None] = mapped_column(String(2048))
    # Wallet points (trade area): spendable balance, and the part held in escrow for open orders.
    points_balance: Mapped[object] = mapped_column(Money, default=0, server_default="0")
    frozen_points: Mapped[object] = mapped_column(Money, default=0, server_default="0")
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    country: Mapped[Country | None] = relationship(lazy="joined")

    @property
    def is_active(self):
        return self.account_status == "active"


def normalize_email(email):
    return email.strip().lower()


def find_by_email(session, email, *, lock=False):
    stmt = select(User).where(User.email == normalize_email(email))
    return session.scalars(stmt.with_for_update(of=User) if lock else stmt).first()


def get_user(session, user_id, *, lock=False):
    """The user with ``user_id``, else 404 ``User not found``."""
    stmt = select(User).where(User.id == as_uuid(user_id))
    user = session.scalars(stmt.with_for_update(of=User) if lock else stmt).first()
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    return user


def require_active(user):
    if not user.is_active:
        raise Forbidden(NOT_ACTIVE)
    return user


def create_user(session, *, data, is_admin=False, is_carrier=False):
    """A new account from a registration or admin body (request field names). 409 when the e-mail or the
    Google account is taken; 404 for an unknown ``countryId``."""
    values = {PROFILE_FIELDS[k]: v for k, v in data.items() if k in PROFILE_FIELDS}
    values.setdefault("is_admin", is_admin)
    values.setdefault("is_carrier", is_carrier)
    values["email"] = normalize_email(values["email"])
    if values.get("register_type") == "google" and not values.get("google_id"):
        raise InvalidInput(GOOGLE_ID_REQUIRED, field="googleId")
    values["country_id"] = require_country(session, values.get("country_id"))
    _refuse_taken(session, email=values["email"], google_id=values.get("google_id"))
    user = User(**values)
    session.add(user)
    _flush_unique(session)
    return user


def get_open_user(session, user_id, *, lock=False):
    """The account with ``user_id`` unless it was deleted, else 404 ``User not found``."""
    user = get_user(session, user_id, lock=lock)
    if user.account_status == "deleted":
        raise NotFound(USER_NOT_FOUND)
    return user


def view_user(session, *, caller, user_id):
    """An account as its owner or an administrator may see it."""
    caller.require_self_or_admin(user_id, OWN_ACCOUNT_ONLY)
    return get_open_user(session, user_id)


def update_user(session, *, caller, user_id, changes):
    """Apply a profile change: the user themself or an administrator; only administrators may set
    ``isAdmin``, ``isCarrier``, ``accountStatus`` and ``subscriptionTier``."""
    caller.require_self_or_admin(user_id, OWN_ACCOUNT_ONLY)
    if not caller.is_admin and any(name in changes for name in ADMIN_FIELDS):
        raise Forbidden(ADMIN_FIELDS_ONLY)
    if caller.is_admin and caller.is_self(user_id) and (
            changes.get("isAdmin") is False or changes.get("accountStatus", "active") != "active"):
        raise Forbidden(SELF_LOCKOUT)  # another administrator must: nobody locks the last one out by mistake
    user = get_open_user(session, user_id, lock=True)
    values = {PROFILE_FIELDS[k]: v for k, v in changes.items() if k in PROFILE_FIELDS}
    if "email" in values:
        values["email"] = normalize_email(values["email"])
    if "country_id" in values:
        values["country_id"] = require_country(session, values["country_id"])
    _refuse_taken(session, email=values.get("email"), google_id=values.get("google_id"), except_id=user.id)
    if (values.get("register_type", user.register_type) == "google"
            and not values.get("google_id", user.google_id)):
        raise InvalidInput(GOOGLE_ID_REQUIRED, field="googleId")
    for column, value in values.items():
        setattr(user, column, value)
    if user.account_status == "deleted":
        _close(user)
    user.updated_at = utcnow()
    _flush_unique(session)
    session.refresh(user, ["country"])
    return user


def delete_user(session, *, caller, user_id):
    """Close an account (``accountStatus: deleted``): the user themself or an administrator (not their own)."""
    caller.require_self_or_admin(user_id, OWN_ACCOUNT_ONLY)
    if caller.is_admin and caller.is_self(user_id):
        raise Forbidden(SELF_LOCKOUT)
    user = get_open_user(session, user_id, lock=True)
    _close(user)
    user.updated_at = utcnow()
    session.flush()
    return user


def _close(user):
    """A deleted account: refused everywhere, its e-mail and Google account free for someone new."""
    user.account_status = "deleted"
    user.email = f"deleted+{user.id.hex}@deleted.invalid"
    user.google_id = None


def list_users(session, *, page, limit, search=None):
    """Users, newest first, optionally those whose e-mail or name contains ``search``."""
    stmt = select(User).where(User.account_status != "deleted").order_by(User.created_at.desc(), User.id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(pattern), func.lower(User.first_name).like(pattern),
                              func.lower(User.last_name).like(pattern)))
    return page_of(session, stmt, page=page, limit=limit)


def token_state(session, user_id):
    """``(account_status, is_admin, is_carrier, email)`` of the account a token names, by primary key;
    ``None`` when there is no such account."""
    return session.execute(select(User.account_status, User.is_admin, User.is_carrier, User.email)
                           .where(User.id == as_uuid(user_id))).first()


def record_sign_in(user):
    user.last_login_at = utcnow()


def make_admin(session, *, email, first_name="Admin", last_name=None):
    """Create an administrator, or promote (and reactivate) the existing account with that e-mail."""
    user = find_by_email(session, email, lock=True)
    if user is not None:
        user.is_admin = True
        user.account_status = "active"
        session.flush()
        return user
    return create_user(session, data={"email": email, "firstName": first_name, "lastName": last_name},
                       is_admin=True)


def _refuse_taken(session, *, email=None, google_id=None, except_id=None):
    for column, value, message, field in ((User.email, email, EMAIL_TAKEN, "email"),
                                          (User.google_id, google_id, GOOGLE_TAKEN, "googleId")):
        if value is None:
            continue
        stmt = select(User.id).where(column == value)
        if except_id is not None:
            stmt = stmt.where(User.id != except_id)
        if session.scalars(stmt).first() is not None:
            raise Conflict(message, field=field)


def _flush_unique(session):
    """Flush; a unique e-mail or Google id taken by a concurrent request is the same 409."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        raise Conflict(GOOGLE_TAKEN if "google" in text else EMAIL_TAKEN,
                       field="googleId" if "google" in text else "email") from None


def sign_in_with_google(session, *, email, google_id, verified):
    """The active account for a Google sign-in. ``verified``: the e-mail and ``google_id`` come from a
    checked ID token, so an account registered by e-mail is linked to the Google account; otherwise
    (the original client's bare ``{email, googleId}``) only an account already linked to exactly that
    Google account matches. 404 when no account matches; 401 when the Google account is another's."""
    user = session.scalars(select(User).where(User.google_id == google_id).with_for_update(of=User)).first()
    if user is None:
        user = find_by_email(session, email, lock=True) if email else None
        if user is None:
            raise NotFound(USER_NOT_FOUND, field="email")
        if user.google_id is not None or not verified:
            raise Unauthorized(GOOGLE_INVALID)
        user.google_id = google_id
    elif email and normalize_email(email) != user.email and not verified:
        raise Unauthorized(GOOGLE_INVALID)
    require_active(user)
    record_sign_in(user)
    session.flush()
    return user
