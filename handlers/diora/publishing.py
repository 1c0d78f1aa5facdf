"""Publishing what a committed transaction changed (call these after ``uow.commit()``)."""
from handlers.diora.schemas.notifications import notification_out
from server.products.diora import publish


def dump_notifications(notes):
    """``[(recipient id, payload)]`` for the notifications a service returned: dump them before the
    unit of work closes (the rows are still loaded), publish them after it committed."""
    return [(note.user_id, notification_out(note)) for note in notes if note is not None]


def publish_notifications(dumped):
    """Each recipient gets its ``notification`` event (the original's Socket.IO event name)."""
    for user_id, payload in dumped:
        publish([user_id], "notification", payload)
