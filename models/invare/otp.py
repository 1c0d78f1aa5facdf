"""One-time sign-in codes sent by e-mail.

``request_code`` makes a 6-digit code for an active account and returns it (the caller mails it after
the commit); only an HMAC of it is stored. A new code replaces the account's earlier unused ones. Each
e-mail may ask for at most :attr:`OtpPolicy.per_hour` codes in a rolling hour, and not again within
:attr:`OtpPolicy.cooldown` seconds (429 ``Too many OTP requests. Try again later.``); the count is in
this table, so every worker agrees, and the account row is locked while counting, so two simultaneous
requests cannot both pass.

``redeem`` checks a code: single use, valid :attr:`OtpPolicy.ttl`; each wrong guess counts against the
live code, which stops working after :attr:`OtpPolicy.max_attempts` of them. It returns an
:class:`Outcome` instead of raising, so that the caller commits the counted guess before answering 401.
"""
import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import UuidPk, as_utc, utcnow
from models.errors import NotFound, TooManyRequests, Unauthorized
from models.invare import InvareBase
from models.invare.users import (
    USER_NOT_FOUND,
    find_by_email,
    record_sign_in,
    require_active,
)

TOO_MANY = "Too many OTP requests. Try again later."
INVALID = "Invalid OTP"
EXPIRED = "OTP expired"
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class OtpPolicy:
    secret: str                    # HMAC key for the stored codes (the product's token secret)
    ttl: dt.timedelta = dt.timedelta(minutes=10)
    per_hour: int = 5
    cooldown: dt.timedelta = dt.timedelta(seconds=30)
    max_attempts: int = 5
    throttled: bool = True         # per_hour and cooldown apply; off where the operator turns rate limits off


class OtpCode(UuidPk, InvareBase):
    __tablename__ = "otp_codes"
    __table_args__ = (Index("ix_otp_codes_email_created_at", "email", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True)
class Outcome:
    user: object = None     # the signed-in user, or None
    problem: str = None     # INVALID or EXPIRED

    def user_or_raise(self):
        if self.user is None:
            raise Unauthorized(self.problem)
        return self.user


def code_hash(policy, email, code):
    return hmac.new(policy.secret.encode(), f"{email}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(session, *, email, policy, now=None):
    """``(user, code)`` for an active account; 404 ``User not found``, 403 when not active, 429 past the limits."""
    now = now or utcnow()
    user = find_by_email(session, email, lock=True)
    if user is None:
        raise NotFound(USER_NOT_FOUND, field="email")
    require_active(user)
    recent = session.execute(select(func.count(), func.min(OtpCode.created_at), func.max(OtpCode.created_at))
                             .where(OtpCode.email == user.email, OtpCode.created_at > now - HOUR)).one()
    count, oldest, newest = recent[0], as_utc(recent[1]), as_utc(recent[2])
    if policy.throttled:
        if count >= policy.per_hour:
            raise TooManyRequests(TOO_MANY, retry_after=_seconds(oldest + HOUR - now))
        if newest is not None and newest > now - policy.cooldown:
            raise TooManyRequests(TOO_MANY, retry_after=_seconds(newest + policy.cooldown - now))
    session.execute(update(OtpCode).where(OtpCode.email == user.email, OtpCode.used_at.is_(None))
                    .values(used_at=now))
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(OtpCode(user_id=user.id, email=user.email, code_hash=code_hash(policy, user.email, code),
                        expires_at=now + policy.ttl, created_at=now))
    session.flush()
    return user, code


def redeem(session, *, email, code, policy, now=None):
    """Check ``code`` against the e-mail's live code and use it up. Returns an :class:`Outcome`."""
    now = now or utcnow()
    user = find_by_email(session, email)
    if user is None:
        return Outcome(problem=INVALID)
    live = session.scalars(select(OtpCode).where(OtpCode.email == user.email, OtpCode.used_at.is_(None))
                           .order_by(OtpCode.created_at.desc()).limit(1).with_for_update()).first()
    if live is None:
        return Outcome(problem=INVALID)
    if not hmac.compare_digest(live.code_hash, code_hash(policy, user.email, code)):
        live.attempts += 1
        if live.attempts >= policy.max_attempts:
            live.used_at = now  # too many wrong guesses: this code is spent
        session.flush()
        return Outcome(problem=INVALID)
    if as_utc(live.expires_at) <= now:
        live.used_at = now
        session.flush()
        return Outcome(problem=EXPIRED)
    require_active(user)
    live.used_at = now
    record_sign_in(user)
    session.flush()
    return Outcome(user=user)


def _seconds(delta):
    return max(1, int(delta.total_seconds() + 0.999))
