"""Pushes as the development outbox keeps them, and the hook that pushes every notification.

* :class:`PushOutbox`: one row per push the outbox gateway would have sent (``kind`` ``message``,
  ``subscribe`` or ``unsubscribe``; ``topic``; ``title``/``body``/``data`` for messages, ``tokens`` for
  topic changes). :func:`store_push` is the outbox gateway's sink (wired in ``server.products.invare``).
* Every :class:`~models.invare.notifications.Notification` a unit of work adds (``record_notification``,
  whoever calls it) is pushed to its recipient's topic ``user_<id>`` once that unit of work commits, and
  never when it rolls back: the session hooks below collect them at flush and hand them to
  :data:`after_commit_pushers` after the commit.
"""
import logging
import uuid

from sqlalchemy import DateTime, Index, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import UuidPk, utcnow
from models.invare import InvareBase, database
from models.invare.columns import Json
from models.invare.notifications import Notification

log = logging.getLogger("models.invare.push")
PENDING_KEY = "invare_notifications_to_push"
after_commit_pushers = []  # callables(list[dict]) run after a commit that added notifications


class PushOutbox(UuidPk, InvareBase):
    __tablename__ = "push_outbox"
    __table_args__ = (Index("ix_push_outbox_topic_created_at", "topic", "created_at"),)

    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(String(4000))
    data: Mapped[dict] = mapped_column(Json, default=dict)
    tokens: Mapped[list] = mapped_column(Json, default=list)
    created_at = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


def store_push(record):
    """The outbox gateway's sink: the push as a row (its own unit of work) and a log line."""
    log.info("push %s to %s: %s / %s %s", record.kind, record.topic, record.title, record.body, record.data)
    with database.unit_of_work() as uow:
        uow.session.add(PushOutbox(kind=record.kind, topic=record.topic, title=record.title, body=record.body,
                                   data=dict(record.data), tokens=list(record.tokens)))
        uow.commit()


def outbox(session, topic=None):
    """Stored pushes, oldest first (optionally for one topic): for tests and the operator."""
    stmt = select(PushOutbox).order_by(PushOutbox.created_at, PushOutbox.id)
    if topic is not None:
        stmt = stmt.where(PushOutbox.topic == topic)
    return list(session.scalars(stmt))


def notification_push(row):
    """What a notification pushes: its title and message, and its fields as strings in ``data``."""
    data = {"type": row.type, "notificationId": str(row.id)}
    for key, value in (row.data or {}).items():
        if isinstance(value, str):
            data[key] = value
    return {"user_id": row.user_id, "title": row.title, "body": row.message, "data": data}


@event.listens_for(Session, "after_flush")
def _collect_notifications(session, flush_context):
    fresh = [obj for obj in session.new if isinstance(obj, Notification)]
    if fresh:
        session.info.setdefault(PENDING_KEY, []).extend(notification_push(row) for row in fresh)


@event.listens_for(Session, "after_commit")
def _push_notifications(session):
    pending = session.info.pop(PENDING_KEY, None)
    if not pending:
        return
    for pusher in list(after_commit_pushers):
        try:
            pusher(pending)
        except Exception:  # a failing push never fails the request
            log.exception("pushing %d notification(s) failed", len(pending))


@event.listens_for(Session, "after_rollback")
def _forget_notifications(session):
    session.info.pop(PENDING_KEY, None)


__all__ = ["PushOutbox", "store_push", "outbox", "after_commit_pushers", "uuid"]
