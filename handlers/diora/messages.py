"""Messages: the history, sending, reading, reactions and the sender's delete. What changed is
published to the conversation's members after the commit (Socket.IO events named as the client
listens for them)."""
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.messages import dump_message, dump_messages
from models.diora import database, messages
from server.products.diora import publish, publish_room

DEFAULT_LIMIT = 50


def conversation_room(conversation_id):
    return f"conversation:{conversation_id}"


def get_messages(conversationId, user, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = messages.history(session, conversation_id=conversationId, user_id=user, page=page, limit=limit)
        shown = dump_messages(session, found.items)
    return ok(messages=shown, pagination=pagination(found)), 200


def send_message(body, user):
    with database.unit_of_work() as uow:
        message, others = messages.send(
            uow.session, user_id=user, conversation_id=body["conversationId"], type=body.get("type") or "text",
            text=body.get("text", body.get("content")), reply_to=body.get("replyTo"), product_id=body.get("productId"),
            post_id=body.get("postId"), profile_id=body.get("profileId"), image_url=body.get("imageUrl"))
        shown = dump_message(uow.session, message)
        uow.commit()
    announce_message(body["conversationId"], shown, others)
    return {"status": True, "message": shown}, 201  # the original's key: the message itself


def announce_message(conversation_id, shown, recipients):
    """``newMessage`` (the client's event) to the recipients' sockets and the reference's ``message`` to the
    sockets that joined the conversation; both ``{conversationId, message}``."""
    event = {"conversationId": conversation_id, "message": shown}
    publish(recipients, "newMessage", event)
    publish_room(conversation_room(conversation_id), "message", event)


def mark_as_read(conversationId, user):
    with database.unit_of_work() as uow:
        members = messages.mark_read(uow.session, conversation_id=conversationId, user_id=user)
        uow.commit()
    publish(members, "messagesRead", {"conversationId": conversationId, "userId": user})
    return ok("Conversation marked as read"), 200


def toggle_reaction(messageId, body, user):
    with database.unit_of_work() as uow:
        message, reactions, members = messages.toggle_reaction(uow.session, message_id=messageId, user_id=user,
                                                               emoji=body["emoji"])
        conversation_id = message.conversation_id
        uow.commit()
    publish(members, "messageReaction", {"conversationId": conversation_id, "messageId": messageId,
                                         "reactions": reactions})
    return ok("Reaction updated", reactions=reactions), 200


def delete_message(messageId, user):
    with database.unit_of_work() as uow:
        message, members = messages.delete_message(uow.session, message_id=messageId, user_id=user)
        conversation_id = message.conversation_id
        uow.commit()
    publish(members, "messageDeleted", {"conversationId": conversation_id, "messageId": messageId, "type": "deleted"})
    return ok("Message deleted successfully"), 200
