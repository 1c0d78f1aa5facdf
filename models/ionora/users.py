"""Accounts: registration, credentials, profile."""
import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from models.base import utcnow
from models.errors import Conflict, Forbidden, NotFound, Unauthorized
from models.ionora.entities import User
from models.passwords import hash_password, verify_against_nothing, verify_password

BLANK = " \t\n\r\f\v"  # ASCII whitespace only, as the spec's patterns define it
EMAIL_TAKEN = "Email is already registered."
BAD_LOGIN = "Invalid email or password."
WRONG_PASSWORD = "Current password is incorrect."


def normalize_email(email):
    return email.strip(BLANK).lower()


def as_uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def find_by_email(session, email):
    return session.scalars(select(User).where(User.email == normalize_email(email))).first()


def get_user(session, user_id, *, lock=False):
    """The account a token names; a token for a deleted account is refused (403, as the original)."""
    key = as_uuid(user_id)
    stmt = select(User).where(User.id == key)
    if lock:
        stmt = stmt.with_for_update()
    user = session.scalars(stmt).first() if key else None
    if user is None:
        raise Forbidden("User not found.")
    return user


def register(session, *, email, password, full_name, phone=None, is_admin=False, email_verified=False):
    password_hash = hash_password(password)  # before the first statement: bcrypt never holds the write lock
    email = normalize_email(email)
    if find_by_email(session, email) is not None:
        raise Conflict(EMAIL_TAKEN, field="email")
    user = User(email=email, password_hash=password_hash, full_name=full_name.strip(BLANK),
                phone=phone, is_admin=is_admin, email_verified=email_verified)
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(EMAIL_TAKEN, field="email") from None
    return user


def authenticate(session, *, email, password):
    """Check the credentials and record the login in one session. Returns ``(user, previous_last_login)``.
    Request handlers split it (``find_by_email`` in a read, ``verify_login``, ``record_login``) so that
    bcrypt runs outside the write transaction."""
    account = find_by_email(session, email)
    verify_login(account, password)
    return record_login(session, user_id=account.id, password_hash=account.password_hash)


def verify_login(account, password):
    """Check ``password`` against ``account`` (``None`` when no such email; the check costs the same)."""
    if account is None:
        verify_against_nothing(password)
        raise Unauthorized(BAD_LOGIN)
    if not verify_password(password, account.password_hash):
        raise Unauthorized(BAD_LOGIN)


def record_login(session, *, user_id, password_hash):
    """Record a login that ``verify_login`` accepted against ``password_hash``; refused when the account
    is gone or its password changed in between. Returns ``(user, previous_last_login)``."""
    user = session.scalars(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None or user.password_hash != password_hash:
        raise Unauthorized(BAD_LOGIN)
    previous = user.last_login
    user.last_login = utcnow()
    user.updated_at = utcnow()
    session.flush()
    return user, previous


def check_password_change(account, *, current_password, new_password):
    """The slow half of a password change, before its transaction: ``current_password`` checked against
    ``account`` (read beforehand) and the new password hashed. Returns the new hash."""
    if not verify_password(current_password, account.password_hash):
        raise Unauthorized(WRONG_PASSWORD)
    return hash_password(new_password)


def change_password(session, *, user_id, checked_hash, new_hash):
    """Store ``new_hash`` (from ``check_password_change``) unless the password changed since it was checked."""
    user = get_user(session, user_id, lock=True)
    if user.password_hash != checked_hash:
        raise Unauthorized(WRONG_PASSWORD)
    user.password_hash = new_hash
    revoke_tokens(user)
    session.flush()
    return user


def update_profile(session, *, user_id, changes):
    user = get_user(session, user_id, lock=True)
    if "full_name" in changes:
        user.full_name = changes["full_name"].strip(BLANK)
    if "phone" in changes:
        user.phone = changes["phone"]
    user.updated_at = utcnow()
    session.flush()
    return user


def revoke_tokens(user):
    """Every token issued so far stops working (a password change or reset)."""
    user.token_version = (user.token_version or 0) + 1


def token_state(session, user_id):
    """``(is_admin, token_version)`` of the account a token names, read by primary key on every
    request; ``None`` when the account no longer exists."""
    key = as_uuid(user_id)
    if key is None:
        return None
    return session.execute(_TOKEN_STATE, {"id": key}).first()


_TOKEN_STATE = select(User.is_admin, User.token_version).where(User.id == bindparam("id"))


def make_admin(session, *, email, password, full_name, phone=None):
    """Create an administrator, or promote the existing account with that email."""
    password_hash = hash_password(password)  # before the first statement
    user = find_by_email(session, email)
    if user is not None:
        user.is_admin = True
        user.password_hash = password_hash
        revoke_tokens(user)
        session.flush()
        return user
    return register(session, email=email, password=password, full_name=full_name, phone=phone,
                    is_admin=True, email_verified=True)


__all__ = ["NotFound", "authenticate", "change_password", "check_password_change", "get_user",
           "record_login", "register", "token_state", "update_profile", "verify_login"]
