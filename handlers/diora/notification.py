"""The signed-in user's notifications, and the administrators' way to send one."""
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.notifications import notification_out
from models.diora import database, notification


def get_notifications(user, page=1, limit=20, unreadOnly=False):
    with database.reading() as session:
        found, unread = notification.list_for(session, user_id=user, page=page, limit=limit, unread_only=unreadOnly)
        items = [notification_out(note) for note in found.items]
    message = None if found.total else "No notifications found"
    return ok(message, notifications=items, unreadCount=unread, pagination=pagination(found)), 200


def add_notification(body, user):
    fields = {"post_id": body.get("postId"), "product_id": body.get("productId"),
              "comment_id": body.get("commentId"), "order_id": body.get("orderId"),
              "action_url": body.get("actionUrl"), "image_url": body.get("imageUrl"), "data": body.get("data")}
    with database.unit_of_work() as uow:
        note, refused = notification.add(uow.session, sender_id=user, user_id=body["userId"], type=body["type"],
                                         title=body["title"], message=body["message"],
                                         from_user_id=body.get("fromUserId"), **fields)
        events = dump_notifications([note])
        uow.commit()
    if refused:
        return ok(refused), 200
    publish_notifications(events)
    return ok("Notification created successfully", notification=events[0][1]), 201


def mark_as_read(notificationId, user):
    with database.unit_of_work() as uow:
        shown = notification_out(notification.mark_read(uow.session, user_id=user, notification_id=notificationId))
        uow.commit()
    return ok("Notification marked as read", notification=shown), 200


def mark_all_as_read(user):
    with database.unit_of_work() as uow:
        changed = notification.mark_all_read(uow.session, user_id=user)
        uow.commit()
    return ok("All notifications marked as read", updated=changed), 200


def delete_notification(notificationId, user):
    with database.unit_of_work() as uow:
        notification.delete(uow.session, user_id=user, notification_id=notificationId)
        uow.commit()
    return ok("Notification deleted successfully"), 200
