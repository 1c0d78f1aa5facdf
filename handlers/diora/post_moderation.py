"""Administrators moderating posts (``/admin/posts``): finding them, hiding and showing them."""
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.fields import iso_z
from models.diora import database, notifications, post, post_moderation
from models.diora.tables.users import User

DEFAULT_REASON = "Violation of community guidelines"


def moderated_post(item, author):
    return {"_id": item.id, "caption": item.caption or "", "imageUrl": item.image_url, "likes": item.stars,
            "comments": item.comments_count, "reports": item.reports, "isHidden": item.is_hidden,
            "user": {"_id": author.id, "username": author.username, "fullName": author.full_name,
                     "status": author.status},
            "createdAt": iso_z(item.created_at)}


def search_posts(user, query=None, q=None, reported=None, hidden=None, userId=None, page=1, limit=20):
    with database.reading() as session:
        found, authors = post_moderation.search_posts(
            session, query=query if query is not None else q, reported=reported, hidden=hidden, user_id=userId,
            page=page, limit=limit)
        shown = [moderated_post(p, authors[p.user_id]) for p in found.items]
    return ok(posts=shown, pagination=pagination(found)), 200


def _set_hidden(post_id, hidden, *, admin_id, reason=None):
    """Hide or show; hiding tells the author why (a ``warning`` notification, whatever its switches)."""
    with database.unit_of_work() as uow:
        item = post.hide_post(uow.session, post_id, hidden)
        note = None
        if hidden:
            note = notifications.notify(
                uow.session, recipient_id=item.user_id, type="warning", title="Post Hidden ⚠️",
                message=f"One of your posts was hidden. Reason: {(reason or '').strip() or DEFAULT_REASON}",
                actor_id=admin_id, post_id=item.id, force=True,
                data={"action": "hide", "postId": item.id, "reason": reason})
        shown, events = moderated_post(item, uow.session.get(User, item.user_id)), dump_notifications([note])
        uow.commit()
    publish_notifications(events)
    return shown


def hide_post(postId, user, body=None):
    return ok("Post hidden successfully", post=_set_hidden(postId, True, admin_id=user,
                                                          reason=(body or {}).get("reason"))), 200


def show_post(postId, user):
    return ok("Post shown successfully", post=_set_hidden(postId, False, admin_id=user)), 200
