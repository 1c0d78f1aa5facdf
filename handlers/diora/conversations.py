"""Conversations: the caller's list, private conversations (found or started) and groups (create,
leave, edit, add members, picture). Info messages a change posts are published like any message."""
from handlers.diora.files import store_image
from handlers.diora.messages import announce_message
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.messages import (
    dump_conversation,
    dump_conversations,
    dump_message,
)
from models.diora import conversations, database
from models.errors import RuleViolation

DEFAULT_LIMIT = 50


def list_conversations(user, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = conversations.list_for(session, user_id=user, page=page, limit=limit)
        shown = dump_conversations(session, found.items)
    return ok(conversations=shown, pagination=pagination(found)), 200


def get_conversation_id(otherUserId, user):
    with database.unit_of_work() as uow:
        conversation, created = conversations.open_private(uow.session, user_id=user, other_id=otherUserId,
                                                           field="otherUserId")
        conversation_id = conversation.id
        uow.commit()
    if created:
        return ok("Conversation created successfully", conversationId=conversation_id), 201
    return ok(conversationId=conversation_id), 200


def open_conversation(body, user):
    other = body.get("participantId") or body.get("otherUserId")
    with database.unit_of_work() as uow:
        conversation, created = conversations.open_private(
            uow.session, user_id=user, other_id=other, field="participantId" if "participantId" in body else "otherUserId")
        shown = dump_conversation(uow.session, conversation)
        uow.commit()
    if created:
        return ok("Conversation created successfully", conversation=shown), 201
    return ok(conversation=shown), 200


def create_group(body, user):
    with database.unit_of_work() as uow:
        conversation, info = conversations.create_group(uow.session, user_id=user, name=body["name"],
                                                        participant_ids=body["participants"], avatar=body.get("avatar"))
        shown, info_shown = dump_conversation(uow.session, conversation), dump_message(uow.session, info)
        uow.commit()
    _announce(shown["_id"], info_shown, [m for m in shown["participantIds"] if m != user])
    return ok("Group created successfully", conversation=shown), 201


def leave_group(conversationId, user):
    with database.unit_of_work() as uow:
        conversation, info, remaining = conversations.leave(uow.session, conversation_id=conversationId, user_id=user)
        info_shown = dump_message(uow.session, info) if info is not None else None
        uow.commit()
    if conversation is None:
        return ok("Group and all messages deleted as no members remain"), 200
    _announce(conversationId, info_shown, remaining)
    return ok("Left group successfully"), 200


def edit_group(conversationId, user, body=None, avatar=None):
    body = body or {}
    with database.reading() as session:  # refuse outsiders before keeping their file
        conversations.group_for_change(session, conversationId, user, wrong_type="Can only update group conversations",
                                       not_member="Not authorized to update this group", lock=False)
    picture = store_image(avatar, field="avatar", required=False)
    if picture is None and isinstance(body.get("avatar"), str):
        picture = (body["avatar"], None)
    if not (body.get("name") or "").strip() and picture is None:
        raise RuleViolation("Group name is required", field="name")
    with database.unit_of_work() as uow:
        conversation, info = conversations.edit_group(uow.session, conversation_id=conversationId, user_id=user,
                                                      name=body.get("name"), avatar=picture)
        shown = dump_conversation(uow.session, conversation)
        info_shown = dump_message(uow.session, info) if info is not None else None
        uow.commit()
    if info_shown is not None:
        _announce(conversationId, info_shown, [m for m in shown["participantIds"] if m != user])
    return ok("Group updated successfully", conversation=shown, infoMessage=info_shown), 200


def add_users(conversationId, body, user):
    wanted = list(body.get("users") or []) + ([body["userId"]] if body.get("userId") else [])
    with database.unit_of_work() as uow:
        conversation, info, added = conversations.add_members(uow.session, conversation_id=conversationId,
                                                              user_id=user, new_ids=wanted)
        shown = dump_conversation(uow.session, conversation)
        info_shown = dump_message(uow.session, info) if info is not None else None
        uow.commit()
    if info_shown is not None:
        _announce(conversationId, info_shown, [m for m in shown["participantIds"] if m != user])
    message = "User added to group successfully" if added else "Everyone is already in the group"
    return ok(message, conversation=shown, added=added), 200


def upload_group_photo(conversationId, user, photo=None):
    with database.reading() as session:
        conversations.group_for_change(session, conversationId, user,
                                       wrong_type="Can only update group photo for group conversations",
                                       not_member="Not authorized to update this group", lock=False)
    url, key = store_image(photo, field="photo")
    with database.unit_of_work() as uow:
        conversation, _ = conversations.edit_group(uow.session, conversation_id=conversationId, user_id=user,
                                                   avatar=(url, key))
        shown = dump_conversation(uow.session, conversation)
        uow.commit()
    return ok("Group photo uploaded successfully", photoUrl=url, avatar=url, avatarId=key, conversation=shown), 200


def _announce(conversation_id, info_shown, recipients):
    if info_shown is not None:
        announce_message(conversation_id, info_shown, recipients)
