"""Password reset by mail: a random token, stored hashed, valid for one hour, used once."""
import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from models.base import as_utc, utcnow
from models.errors import NotFound, RuleViolation
from models.ids import is_object_id
from models.looking.entities import PasswordReset, User
from models.looking.users import find_by_username, password_mismatch, set_password
from models.passwords import hash_password

TOKEN_LIFETIME = dt.timedelta(hours=1)
INVALID = "Password reset token is invalid or has expired"


def mask_email(email):
    local, _, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"


def request_reset(session, *, username, send_mail, link_for):
    """Create a token for ``username`` and mail the link. Returns the masked address."""
    user = find_by_username(session, username)
    if user is None:
        raise NotFound("No user with that username", field="username")
    if not user.email:
        raise RuleViolation("This user has no email address on file", field="username", code="NO_EMAIL")
    token = secrets.token_hex(24)
    reset = PasswordReset(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + TOKEN_LIFETIME)
    session.add(reset)
    session.flush()
    send_mail(
        to=user.email,
        subject="Reset your Looking password",
        text=(f"Hello {user.first_name or user.username},\n\n"
              f"Use this link within one hour to choose a new password:\n{link_for(user.id, token)}\n\n"
              "If you did not ask for this, ignore this message."),
    )
    return mask_email(user.email)


def check_token(session, *, user_id, token):
    reset = _live_reset(session, user_id, token)
    return reset


def reset_password(session, *, user_id, token, password, confirm_password):
    password_hash = hash_password(password)  # before the first statement: bcrypt never holds the write lock
    reset = _live_reset(session, user_id, token, lock=True)
    if password != confirm_password:
        raise password_mismatch()
    user = session.get(User, reset.user_id)
    set_password(session, user, password_hash)
    reset.used_at = utcnow()
    session.flush()
    return user


def _live_reset(session, user_id, token, *, lock=False):
    if not is_object_id(user_id):
        raise RuleViolation(INVALID, field="id", code="INVALID_RESET_TOKEN")
    stmt = select(PasswordReset).where(PasswordReset.user_id == user_id,
                                       PasswordReset.token_hash == _digest(token))
    if lock:
        stmt = stmt.with_for_update()
    reset = session.scalars(stmt).first()
    if reset is None or reset.used_at is not None or as_utc(reset.expires_at) <= utcnow():
        raise RuleViolation(INVALID, field="token", code="INVALID_RESET_TOKEN")
    return reset


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()
