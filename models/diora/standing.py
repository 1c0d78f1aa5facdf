"""Whether an account may act: bans, suspensions and their automatic end.

Used on every authenticated request (the bearer check reads :func:`access_state` by primary key) and at
login. A suspension whose ``suspended_until`` has passed is lifted (status ``active``, the end date and
reason cleared) the first time the account is seen afterwards; a suspension without an end date lasts
until an administrator lifts it.
"""
from sqlalchemy import select, update

from models.base import as_utc, utcnow
from models.diora.tables.users import User
from models.errors import Forbidden
from models.ids import is_object_id

DEFAULT_BAN_REASON = "Violation of community guidelines"
DEFAULT_SUSPENSION_REASON = "Violation of community guidelines"
SUSPENDED = "USER_002"


def access_state(session, user_id):
    """``(id, type, status, suspended_until, suspension_reason, ban_reason, banned_at)`` or None."""
    if not is_object_id(user_id):
        return None
    return session.execute(select(User.id, User.type, User.status, User.suspended_until, User.suspension_reason,
                                  User.ban_reason, User.banned_at).where(User.id == user_id)).first()


def suspension_lapsed(state, now=None):
    """True when ``state`` (a user or an :func:`access_state` row) is suspended until a time now past."""
    until = as_utc(state.suspended_until)
    return state.status == "suspended" and until is not None and until <= (now or utcnow())


def lift_lapsed_suspension(session, user_id, now=None):
    """Make a lapsed suspension ``active`` again (a no-op when someone else already did, or when an
    administrator extended it meanwhile). Returns whether this call lifted it."""
    result = session.execute(
        update(User).where(User.id == user_id, User.status == "suspended", User.suspended_until <= (now or utcnow()))
        .values(status="active", suspended_until=None, suspension_reason=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def refusal(state, *, at_login=False):
    """The :class:`Forbidden` (code ``USER_002``) a banned or still suspended account gets, or None.
    At login the body adds the ban's or suspension's fields, as the original's login answer did."""
    if state.status == "banned":
        reason = state.ban_reason or DEFAULT_BAN_REASON
        details = {"details": f"Your account has been permanently banned. Reason: {reason}."}
        if at_login:
            details.update(banReason=state.ban_reason, bannedAt=as_utc(state.banned_at))
        return Forbidden("Account Banned" if at_login else "Account is banned", code=SUSPENDED, details=details)
    if state.status == "suspended" and not suspension_lapsed(state):
        reason = state.suspension_reason or DEFAULT_SUSPENSION_REASON
        until = as_utc(state.suspended_until)
        when = f"until {_long_date(until)}" if until is not None else "until further notice"
        details = {"details": f"Your account is suspended {when}. Reason: {reason}."}
        if at_login:
            details.update(suspendedUntil=until, suspensionReason=state.suspension_reason)
        return Forbidden("Account Suspended" if at_login else "Account is suspended", code=SUSPENDED, details=details)
    return None


def is_visible(user, *, viewer_is_admin=False):
    """The original's "accessible user" rule: banned accounts and running suspensions are hidden from
    everyone but administrators."""
    if viewer_is_admin or user.status == "active":
        return True
    return user.status == "suspended" and suspension_lapsed(user)


def _long_date(value):
    return f"{value:%B} {value.day}, {value.year}"


def is_active_now(state):
    return state.status == "active" or suspension_lapsed(state)
