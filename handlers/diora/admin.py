"""Administration (``/admin``): the dashboard, finding accounts and acting on them. Every operation is
``x-permissions: [admin]``; ``user`` is the administrator's id."""
import redis

from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.admin import admin_user, moderated_user
from handlers.fields import iso_z
from models.diora import account_admin, database, moderation, platform_stats
from server.products.diora import PRODUCT


def get_stats(user):
    with database.reading() as session:
        return ok(stats=platform_stats.statistics(session)), 200


def get_health(user):
    redis_status = _redis_status()
    with database.reading() as session:
        health = platform_stats.health(session, redis_status=redis_status)
    return ok(health={**health, "timestamp": iso_z(health["timestamp"])}), 200


def _redis_status():
    url = PRODUCT.runtime.settings.redis_url
    if not url:
        return "not configured"
    try:
        redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        return "disconnected"
    return "connected"


def search_users(user, query=None, q=None, type=None, accountType=None, status=None, verified=None,
                 suspended=None, sort="recent", page=1, limit=20):
    if suspended and status is None:
        status = "suspended"
    with database.reading() as session:
        found = account_admin.search_accounts(session, query=query if query is not None else q,
                                              type=type or accountType, status=status, verified=verified,
                                              sort=sort, page=page, limit=limit)
        users = [admin_user(u) for u in found.items]
    paging = {**pagination(found), "current": found.page, "count": len(users), "totalCount": found.total}
    return ok(users=users, pagination=paging), 200


def _act(action, **arguments):
    with database.unit_of_work() as uow:
        target, note = action(uow.session, **arguments)
        shown, events = moderated_user(target), dump_notifications([note])
        uow.commit()
    publish_notifications(events)  # the account's notice reaches its open sockets at once
    return shown


def suspend_user(userId, user, body=None):
    body = body or {}
    shown = _act(moderation.suspend, user_id=userId, admin_id=user, duration=body.get("duration"),
                         reason=body.get("reason"))
    return ok("User suspended successfully", suspendedUntil=shown["suspendedUntil"], user=shown), 200


def ban_user(userId, user, body=None):
    shown = _act(moderation.ban, user_id=userId, admin_id=user, reason=(body or {}).get("reason"))
    return ok("User banned successfully", user=shown), 200


def unban_user(userId, user):
    shown = _act(moderation.unban, user_id=userId, admin_id=user)
    return ok("User unbanned successfully", user=shown), 200


def warn_user(userId, user, body=None):
    body = body or {}
    shown = _act(moderation.warn, user_id=userId, admin_id=user, message=body.get("message"),
                         severity=body.get("severity") or "medium")
    return ok("Warning sent successfully", user=shown), 200


