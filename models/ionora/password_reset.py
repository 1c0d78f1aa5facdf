"""Password reset by mail: a random token, stored as its SHA-256, valid one hour, used once."""
import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select

from models.base import as_utc, utcnow
from models.errors import RuleViolation
from models.ionora.entities import PasswordResetToken, User
from models.ionora.users import find_by_email, revoke_tokens
from models.passwords import hash_password

TOKEN_LIFETIME = dt.timedelta(hours=1)
INVALID = "Invalid or expired reset token."


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(session, *, email):
    """A new token for the account with ``email`` (earlier ones are dropped), or ``None`` when there is
    no such account: the caller answers the same either way. Returns ``(user, token)`` or ``None``."""
    user = find_by_email(session, email)
    if user is None:
        return None
    session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    token = secrets.token_hex(32)
    session.add(PasswordResetToken(user_id=user.id, token_hash=digest(token), expires_at=utcnow() + TOKEN_LIFETIME))
    session.flush()
    return user, token


def reset_password(session, *, token, new_password):
    password_hash = hash_password(new_password)  # before the first statement: bcrypt never holds the write lock
    stmt = select(PasswordResetToken).where(PasswordResetToken.token_hash == digest(token)).with_for_update()
    reset = session.scalars(stmt).first()
    if reset is None or as_utc(reset.expires_at) <= utcnow():
        raise RuleViolation(INVALID)
    user = session.get(User, reset.user_id, with_for_update=True)
    user.password_hash = password_hash
    revoke_tokens(user)
    user.updated_at = utcnow()
    session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    session.flush()
    return user
