"""The notifications a user received (recorded by other areas with ``record_notification``): listed
newest first, marked read one by one or all at once. Only the recipient sees or changes one; anyone
else gets 404, as if it did not exist."""
import uuid

from sqlalchemy import select, update

from models.base import utcnow
from models.errors import NotFound
from models.invare.notifications import Notification
from models.invare.paging import page_of

NOTIFICATION_NOT_FOUND = "Notification not found"


def list_notifications(session, *, caller, page, limit, read=None):
    stmt = select(Notification).where(Notification.user_id == caller.id)
    if read is not None:
        stmt = stmt.where(Notification.read.is_(read))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return page_of(session, stmt, page=page, limit=limit)


def mark_read(session, *, caller, notification_id):
    notification_id = uuid.UUID(str(notification_id))
    row = session.scalars(select(Notification).where(Notification.id == notification_id,
                                                     Notification.user_id == caller.id)).first()
    if row is None:
        raise NotFound(NOTIFICATION_NOT_FOUND)
    if not row.read:
        row.read = True
        row.read_at = utcnow()
        session.flush()
    return row


def mark_all_read(session, *, caller):
    """Marks every unread notification of the caller read; returns how many changed."""
    result = session.execute(update(Notification)
                             .where(Notification.user_id == caller.id, Notification.read.is_(False))
                             .values(read=True, read_at=utcnow()))
    return result.rowcount or 0
