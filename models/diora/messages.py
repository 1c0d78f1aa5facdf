"""Messages in a conversation: sending (text, image, shared product, post or profile, replies), the
paged history, reading (unread counts), reactions toggled per emoji and user, and the sender's soft
delete (the message stays, as ``type: deleted``, without its content).

Products and posts live in other areas' tables: those areas register a loader with
:func:`register_shared` (``loader(session, ids) -> {id: summary dict}``); with one registered, a shared
id must exist (404) and messages show its summary, otherwise they show ``{"_id": id}``.
"""
from collections import defaultdict

from sqlalchemy import delete, func, select, update

from models.diora import conversations, users
from models.diora.tables.messages import Message, Participant, Reaction
from models.errors import Forbidden, NotFound, RuleViolation
from models.ids import is_object_id
from models.paging import Page

SENDABLE = ("text", "image", "product", "profile", "post")
REQUIRED = {"text": ("text", "Text is required for text messages"),
            "image": ("imageUrl", "Image URL is required for image messages"),
            "product": ("productId", "Product ID is required for product messages"),
            "post": ("postId", "Post ID is required for post messages"),
            "profile": ("profileId", "Profile ID is required for profile messages")}
SHARED_NOT_FOUND = {"product": ("Product not found", "PROD_001"), "post": ("Post not found", None)}
_shared_loaders = {}


def register_shared(kind, loader):
    """The products and posts areas: ``register_shared("product", loader)``, ``loader(session, ids)``
    returning ``{id: summary}`` for the ids that exist (one query)."""
    _shared_loaders[kind] = loader


def shared_summaries(session, kind, ids):
    """``{id: summary}`` for shared ``kind`` objects; ``{"_id": id}`` where no loader is registered."""
    ids = [i for i in dict.fromkeys(ids) if i]
    loader = _shared_loaders.get(kind)
    if loader is None or not ids:
        return {i: {"_id": i} for i in ids}
    return loader(session, ids)


def message_not_found():
    return NotFound("Message not found")


def send(session, *, user_id, conversation_id, type="text", text=None, reply_to=None, product_id=None,
         post_id=None, profile_id=None, image_url=None):
    """A message from a member: every other member's unread count goes up by one and it becomes the
    conversation's last message. Returns ``(message, the other members' ids)``."""
    conversation = conversations.get_for(session, conversation_id, user_id, lock=True)
    text = text.strip() if isinstance(text, str) else None
    given = {"text": text, "imageUrl": image_url, "productId": product_id, "postId": post_id, "profileId": profile_id}
    if type not in SENDABLE:
        raise RuleViolation(f"Cannot send {type} messages", field="type")
    field, problem = REQUIRED[type]
    if not given[field]:
        raise RuleViolation(problem, field=field)
    for kind, shared_id in (("product", product_id), ("post", post_id)):
        if shared_id and kind in _shared_loaders and shared_id not in shared_summaries(session, kind, [shared_id]):
            message, code = SHARED_NOT_FOUND[kind]
            raise NotFound(message, code=code, field=f"{kind}Id")
    if profile_id:
        try:
            users.get_user(session, profile_id)
        except NotFound:
            raise NotFound("Profile not found", field="profileId") from None
    if reply_to is not None:
        replied = session.get(Message, reply_to) if is_object_id(reply_to) else None
        if replied is None or replied.conversation_id != conversation_id:
            raise NotFound("Reply message not found", field="replyTo")
    message = Message(conversation_id=conversation_id, sender_id=user_id, text=text or None, type=type, status="sent",
                      reply_to_id=reply_to, product_id=product_id, post_id=post_id, profile_id=profile_id,
                      image_url=image_url)
    session.add(message)
    session.flush()
    conversation.last_message_id = message.id
    conversation.updated_at = message.created_at
    session.execute(update(Participant).where(Participant.conversation_id == conversation_id,
                                              Participant.user_id != user_id)
                    .values(unread_count=Participant.unread_count + 1).execution_options(synchronize_session=False))
    session.flush()
    others = [member for member in conversations.member_ids(session, conversation_id) if member != user_id]
    return message, others


def history(session, *, conversation_id, user_id, page, limit):
    """One page of a member's conversation, pages counted from the newest message; the page's messages
    oldest first (as a chat shows them)."""
    conversations.get_for(session, conversation_id, user_id)
    total = session.scalar(select(func.count()).select_from(Message).where(Message.conversation_id == conversation_id))
    newest_first = session.scalars(select(Message).where(Message.conversation_id == conversation_id)
                                   .order_by(Message.created_at.desc(), Message.id.desc())
                                   .limit(limit).offset((page - 1) * limit)).all()
    return Page(items=list(reversed(newest_first)), total=total or 0, page=page, limit=limit)


def mark_read(session, *, conversation_id, user_id):
    """The member has read everything: their unread count is 0 and the others' messages are ``read``.
    Returns the members' ids."""
    conversations.get_for(session, conversation_id, user_id)
    session.execute(update(Participant).where(Participant.conversation_id == conversation_id,
                                              Participant.user_id == user_id)
                    .values(unread_count=0).execution_options(synchronize_session=False))
    session.execute(update(Message).where(Message.conversation_id == conversation_id,
                                          (Message.sender_id != user_id) | Message.sender_id.is_(None),
                                          Message.status.in_(("sent", "delivered")))
                    .values(status="read").execution_options(synchronize_session=False))
    return conversations.member_ids(session, conversation_id)


def toggle_reaction(session, *, message_id, user_id, emoji):
    """Adds the caller's ``emoji`` to the message, or takes it back. Returns ``(message, reactions,
    members' ids)``; 404 for an unknown message, 403 ``Access denied`` outside its conversation."""
    message = _get_locked(session, message_id)
    if not conversations.is_member(session, message.conversation_id, user_id):
        raise Forbidden("Access denied")
    if message.type == "deleted":
        raise RuleViolation("Cannot react to deleted messages", field="messageId")
    existing = session.get(Reaction, (message_id, emoji, user_id))
    if existing is not None:
        session.delete(existing)
    else:
        session.add(Reaction(message_id=message_id, emoji=emoji, user_id=user_id))
    session.flush()
    return message, reactions_of(session, [message_id])[message_id], conversations.member_ids(
        session, message.conversation_id)


def delete_message(session, *, message_id, user_id):
    """The sender's soft delete: ``type: deleted``, content and reactions gone. Returns ``(message,
    members' ids)``. 403 for anyone but the sender; 400 when already deleted or an info message."""
    message = _get_locked(session, message_id)
    if message.sender_id != user_id or not conversations.is_member(session, message.conversation_id, user_id):
        raise Forbidden("You can only delete your own messages")
    if message.type == "deleted":
        raise RuleViolation("Message already deleted", field="messageId")
    if message.type == "info":
        raise RuleViolation("Info messages cannot be deleted", field="messageId")
    message.type = "deleted"
    message.text = message.image_url = message.product_id = message.post_id = message.profile_id = None
    session.execute(delete(Reaction).where(Reaction.message_id == message_id))
    session.flush()
    return message, conversations.member_ids(session, message.conversation_id)


def reactions_of(session, message_ids):
    """``{message id: {emoji: [user ids]}}``, emojis and users in the order they reacted (one query)."""
    found = defaultdict(dict)
    if not message_ids:
        return found
    rows = session.execute(select(Reaction.message_id, Reaction.emoji, Reaction.user_id)
                           .where(Reaction.message_id.in_(list(message_ids)))
                           .order_by(Reaction.created_at, Reaction.emoji, Reaction.user_id))
    for message_id, emoji, user_id in rows:
        found[message_id].setdefault(emoji, []).append(user_id)
    return found


def by_ids(session, message_ids):
    ids = [i for i in dict.fromkeys(message_ids) if i]
    return {m.id: m for m in session.scalars(select(Message).where(Message.id.in_(ids)))} if ids else {}


def _get_locked(session, message_id):
    if not is_object_id(message_id):
        raise message_not_found()
    message = session.scalars(select(Message).where(Message.id == message_id).with_for_update()).first()
    if message is None:
        raise message_not_found()
    return message
