"""Conversations and messages as the answers and the realtime events carry them (``Conversation``,
``ChatMessage`` in the spec). Everything a page shows is loaded in a few grouped queries: senders,
replied-to messages, shared profiles, products and posts, reactions, members and unread counts."""
from sqlalchemy import select

from handlers.diora.schemas.users import user_summary_out
from handlers.fields import iso_z
from models.diora import conversations, messages
from models.diora.tables.users import User


def dump_messages(session, items):
    """``[ChatMessage]`` for ``items`` (messages), in their order."""
    replies = messages.by_ids(session, [m.reply_to_id for m in items])
    user_ids = {m.sender_id for m in items} | {m.profile_id for m in items} | {r.sender_id for r in replies.values()}
    people = _users(session, user_ids)
    reactions = messages.reactions_of(session, [m.id for m in items])
    products = messages.shared_summaries(session, "product", [m.product_id for m in items])
    posts = messages.shared_summaries(session, "post", [m.post_id for m in items])
    shown = []
    for m in items:
        reply = replies.get(m.reply_to_id)
        shown.append({
            "_id": m.id, "conversationId": m.conversation_id,
            "senderId": people.get(m.sender_id), "text": m.text, "content": m.text, "type": m.type,
            "status": m.status,
            "replyTo": None if reply is None else {"_id": reply.id, "text": reply.text, "type": reply.type,
                                                   "senderId": reply.sender_id},
            "reactions": reactions.get(m.id, {}),
            "productId": products.get(m.product_id) if m.product_id else None,
            "postId": posts.get(m.post_id) if m.post_id else None,
            "profileId": people.get(m.profile_id) if m.profile_id else None,
            "imageUrl": m.image_url,
            "createdAt": iso_z(m.created_at), "updatedAt": iso_z(m.updated_at),
        })
    return shown


def dump_message(session, message):
    return dump_messages(session, [message])[0]


def dump_conversations(session, items):
    """``[Conversation]``: members (``participants`` as user summaries, ``participantIds``), the last
    message, and every member's unread count."""
    members = conversations.members_of(session, [c.id for c in items])
    last = messages.by_ids(session, [c.last_message_id for c in items])
    last_shown = dict(zip(last, dump_messages(session, list(last.values()))))
    shown = []
    for c in items:
        people = members.get(c.id, [])
        shown.append({
            "_id": c.id, "type": c.type, "name": c.name, "avatar": c.avatar, "avatarId": c.avatar_id,
            "participants": [user_summary_out(user) for user, _ in people],
            "participantIds": [user.id for user, _ in people],
            "lastMessageId": last_shown.get(c.last_message_id),
            "unreadCount": {user.id: unread for user, unread in people},
            "createdBy": c.created_by,
            "createdAt": iso_z(c.created_at), "updatedAt": iso_z(c.updated_at),
        })
    return shown


def dump_conversation(session, conversation):
    return dump_conversations(session, [conversation])[0]


def _users(session, ids):
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return {u.id: user_summary_out(u) for u in session.scalars(select(User).where(User.id.in_(ids)))}
