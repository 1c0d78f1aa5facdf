"""Administrators acting on accounts: suspend, ban, restore and warn, each with the notice the account
gets (the original's titles and messages). Administrators cannot be suspended or banned. Services take
the session first, lock the account's row, never commit, and return ``(user, notification)``."""
import datetime as dt

from models.base import utcnow
from models.diora import notifications, users
from models.errors import RuleViolation

DEFAULT_SUSPENSION_DAYS = 7
DEFAULT_REASON = "Violation of community guidelines"
DEFAULT_BAN_REASON = "Severe violation of community guidelines"
DEFAULT_WARNING = ("Please review our community guidelines and ensure your behavior complies with our "
                   "policies.")
WARNING_TITLES = {"low": "Community Guidelines Notice", "medium": "Community Guidelines Warning ⚠️",
                  "high": "Final Warning ⚠️"}


def _target(session, user_id, action):
    user = users.get_user(session, user_id, lock=True)
    if user.type == "admin":
        raise RuleViolation(f"Cannot {action} admin users", field="userId")
    return user


def _date_string(moment):
    """JavaScript's ``Date.toDateString()``: ``Sat Jan 17 2026`` (as the original's notice read)."""
    return moment.strftime("%a %b %d %Y")


def suspend(session, *, user_id, admin_id, duration=None, reason=None, now=None):
    """Suspend for ``duration`` days (default 7) from now; a running suspension is replaced."""
    user = _target(session, user_id, "suspend")
    days = DEFAULT_SUSPENSION_DAYS if duration is None else duration
    reason = (reason or "").strip() or DEFAULT_REASON
    until = (now or utcnow()) + dt.timedelta(days=days)
    user.status, user.suspended_until, user.suspension_reason = "suspended", until, reason
    user.ban_reason = user.banned_at = None
    note = notifications.notify(
        session, recipient_id=user.id, type="warning", title="Account Suspended ⚠️",
        message=f"Your account has been suspended until {_date_string(until)}. Reason: {reason}",
        actor_id=admin_id, data={"action": "suspend", "suspendedUntil": until.isoformat(), "reason": reason},
        force=True)
    return user, note


def ban(session, *, user_id, admin_id, reason=None, now=None):
    user = _target(session, user_id, "ban")
    reason = (reason or "").strip() or DEFAULT_BAN_REASON
    user.status, user.ban_reason, user.banned_at = "banned", reason, now or utcnow()
    user.suspended_until = user.suspension_reason = None
    note = notifications.notify(
        session, recipient_id=user.id, type="warning", title="Account Banned 🚫",
        message=f"Your account has been permanently banned. Reason: {reason}", actor_id=admin_id,
        data={"action": "ban", "reason": reason}, force=True)
    return user, note


def unban(session, *, user_id, admin_id):
    """Restore a banned or suspended account (every ban and suspension field cleared)."""
    user = users.get_user(session, user_id, lock=True)
    if user.status == "active":
        raise RuleViolation("User is not banned or suspended", field="userId")
    user.status = "active"
    user.suspended_until = user.suspension_reason = user.ban_reason = user.banned_at = None
    note = notifications.notify(
        session, recipient_id=user.id, type="system", title="Account Restored ✅",
        message="Your account has been restored. Welcome back!", actor_id=admin_id, data={"action": "unban"},
        force=True)
    return user, note


def warn(session, *, user_id, admin_id, message=None, severity="medium"):
    user = users.get_user(session, user_id, lock=True)
    text = (message or "").strip() or DEFAULT_WARNING
    note = notifications.notify(
        session, recipient_id=user.id, type="warning", title=WARNING_TITLES[severity], message=text,
        actor_id=admin_id, data={"action": "warning", "severity": severity}, force=True)
    return user, note
