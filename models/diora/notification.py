"""A user's notifications: the list (newest activity first, with the unread count), marking read,
deleting, and the administrators' ``add``. Only the recipient reaches a notification: anyone else's
is 404, as if it did not exist."""
from sqlalchemy import func, select, update

from models.diora import notifications, standing, users
from models.diora.tables.notifications import Notification
from models.errors import NotFound
from models.ids import is_object_id
from models.paging import page_query

NOT_FOUND = "Notification not found"


def list_for(session, *, user_id, page=1, limit=20, unread_only=False):
    """``(Page of notifications, unread count)``."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read.is_(False))
    found = page_query(session, stmt.order_by(Notification.updated_at.desc(), Notification.id.desc()),
                       page=page, limit=limit)
    unread = session.scalar(select(func.count()).select_from(Notification)
                            .where(Notification.user_id == user_id, Notification.read.is_(False))) or 0
    return found, unread


def _own(session, *, user_id, notification_id):
    note = None
    if is_object_id(notification_id):
        note = session.scalars(select(Notification).where(Notification.id == notification_id,
                                                          Notification.user_id == user_id)).first()
    if note is None:
        raise NotFound(NOT_FOUND)
    return note


def mark_read(session, *, user_id, notification_id):
    note = _own(session, user_id=user_id, notification_id=notification_id)
    note.read = True
    session.flush()
    return note


def mark_all_read(session, *, user_id):
    """Every unread notification of the user becomes read; returns how many changed."""
    return session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read.is_(False))
                           .values(read=True).execution_options(synchronize_session=False)).rowcount


def delete(session, *, user_id, notification_id):
    session.delete(_own(session, user_id=user_id, notification_id=notification_id))
    session.flush()


def add(session, *, sender_id, user_id, type, title, message, from_user_id=None, post_id=None, product_id=None,
        comment_id=None, order_id=None, action_url=None, image_url=None, data=None):
    """An administrator's notification for ``user_id``. Returns ``(notification or None, why not)``:
    a banned or suspended recipient, or one whose switch for the type is off, gets nothing (the
    original's two 200 answers)."""
    recipient = users.get_user(session, user_id)
    if not standing.is_active_now(recipient):
        return None, "User status prevents notification delivery"
    if not notifications.wants(session, user_id, type):
        return None, "Notification type disabled for user"
    actor = from_user_id or sender_id
    note = notifications.notify(session, recipient_id=user_id, type=type, title=title, message=message,
                                actor_id=actor if actor != user_id else None, post_id=post_id,
                                product_id=product_id, comment_id=comment_id, order_id=order_id,
                                action_url=action_url, image_url=image_url, data=data, force=True)
    return note, None
