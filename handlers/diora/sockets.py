"""Diora's Socket.IO events (the platform's hub, ``server.realtime``).

Client events: ``register`` (a token: ``"<jwt>"`` or ``{token}``; the original client's bare user id is
accepted only from a socket that already presented that user's token), ``join_conversation``
(``{conversationId}`` or the id; members only: the socket then receives the conversation's ``message``
and ``typing`` events), ``typing_start`` / ``typing_stop`` (``{conversationId}``, members only; the
others who joined the conversation get ``typing {conversationId, userId, isTyping}``).
Server events besides those: ``newMessage``, ``messageReaction``, ``messageDeleted``, ``messagesRead``,
``notification`` (published by the REST operations) and ``user_online`` / ``user_offline``
``{userId}`` to the people who share a conversation with the user (unless the user's
``privacy.showOnlineStatus`` is off).
"""
from handlers.diora.messages import conversation_room
from models.diora import conversations, database, users
from models.errors import Forbidden, InvalidInput


def register(hub):
    @hub.on("register", auth=False, limited=False)
    async def register_socket(sid, user_id, data=None):
        token = data.get("token") if isinstance(data, dict) else data
        claimed = data.get("userId") if isinstance(data, dict) else None
        if isinstance(token, str) and "." not in token:  # the original client's register(userId)
            token, claimed = None, token
        if isinstance(token, str) and token.strip():
            user_id = await hub.authenticate(sid, token)
            if user_id is None:
                return await hub.refuse(sid, "register", "UNAUTHENTICATED", "Invalid token.")
            return {"status": True, "userId": user_id}
        if user_id is not None and (claimed is None or claimed == user_id):
            return {"status": True, "userId": user_id}
        return await hub.refuse(sid, "register", "UNAUTHENTICATED", "A valid token is required to register.")

    @hub.on("join_conversation", limited=False)
    async def join_conversation(sid, user_id, data=None):
        conversation_id = await member_conversation(hub, user_id, data)
        await hub.join(sid, conversation_room(conversation_id))
        return {"status": True, "conversationId": conversation_id}

    @hub.on("typing_start")
    async def typing_start(sid, user_id, data=None):
        return await typing(hub, sid, user_id, data, True)

    @hub.on("typing_stop", limited=False)
    async def typing_stop(sid, user_id, data=None):
        return await typing(hub, sid, user_id, data, False)


async def typing(hub, sid, user_id, data, is_typing):
    conversation_id = await member_conversation(hub, user_id, data)
    hub.emit("typing", {"conversationId": conversation_id, "userId": user_id, "isTyping": is_typing},
             room=conversation_room(conversation_id), skip_sid=sid)
    return {"status": True}


async def member_conversation(hub, user_id, data):
    conversation_id = data.get("conversationId") if isinstance(data, dict) else data
    if not isinstance(conversation_id, str) or not conversation_id:
        raise InvalidInput("conversationId is required", field="conversationId")
    if not await hub.run_sync(_is_member, conversation_id, user_id):
        raise Forbidden("Not a member of this conversation")
    return conversation_id


async def presence(hub, user_id, online):
    """The hub's presence hook: ``user_online`` / ``user_offline`` to the user's conversation partners
    (per worker: a user with sockets on two workers goes offline when each worker's last one closes)."""
    partners = await hub.run_sync(_presence_audience, user_id)
    if partners:
        hub.emit("user_online" if online else "user_offline", {"userId": user_id}, to_users=partners)


def _is_member(conversation_id, user_id):
    with database.reading() as session:
        return conversations.is_member(session, conversation_id, user_id)


def _presence_audience(user_id):
    with database.reading() as session:
        account = users.get_user(session, user_id)
        if not (account.privacy or {}).get("showOnlineStatus", True):
            return []
        return conversations.partner_ids(session, user_id)
