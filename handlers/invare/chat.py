"""Chats: start one about a listing, read the caller's chats and a listing's, post messages and
attachments, close or reopen, subscribe devices to the chat's push topic. Pushes go after the commit."""
import secrets

from handlers.invare.chat_out import chat_created_push, chat_out, message_out, message_push
from integrations.push import chat_topic, user_topic
from integrations.uploads import AUDIO, KINDS, VIDEO, MiB, accept_file
from models.invare import chat as chats
from models.invare import database
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT
from server.products.invare import PRODUCT, push_gateway, push_to_topic, public_url

MAX_ATTACHMENT_BYTES = 50 * MiB
ATTACHMENT_KINDS = {  # ?type= -> the kinds of content it takes (file: every kind uploads accept)
    "image": ("image",),
    "video": VIDEO,
    "audio": AUDIO + ("webm",),
    "voice": AUDIO + ("webm",),
    "file": tuple(KINDS),
}
SUCCESS = {"success": True}


def create_chat(body, token_info):
    with database.unit_of_work() as uow:
        chat = chats.create_chat(uow.session, caller=Caller.of(token_info), data=body)
        answer = chat_out(chat)
        uow.commit()
    push = chat_created_push(answer)
    for participant in answer["participants"]:
        push_to_topic(user_topic(participant["user"]["id"]), **push)
    return answer, 201


def chats_of_user(userId, token_info, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = chats.chats_of_user(session, caller=Caller.of(token_info), user_id=userId, page=page, limit=limit)
        return chat_out.many(found), 200


def chats_of_listing(listingId, token_info, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        found = chats.chats_of_listing(session, caller=Caller.of(token_info), listing_id=listingId,
                                       page=page, limit=limit)
        return chat_out.many(found), 200


def set_status(chatId, body, token_info):
    with database.unit_of_work() as uow:
        chat = chats.set_status(uow.session, caller=Caller.of(token_info), chat_id=chatId, status=body["status"])
        answer = chat_out(chat)
        uow.commit()
    return answer, 200


def send_message(body, token_info):
    with database.unit_of_work() as uow:
        message = chats.send_message(uow.session, caller=Caller.of(token_info), data=body)
        answer = message_out(message)
        uow.commit()
    push_to_topic(chat_topic(answer["chatId"]), **message_push(answer))
    return answer, 201


def messages(chatId, token_info, page=1, limit=50):
    with database.reading() as session:
        rows = chats.messages(session, caller=Caller.of(token_info), chat_id=chatId, page=page, limit=limit)
        return message_out.many(rows), 200


def upload_attachment(chatId, token_info, type="file", file=None):
    """Keeps the file under ``chat-attachments/<chatId>/<type>s/`` and answers what ``POST /chat/message``
    takes. The content decides (an ``image`` must be an image, ``video`` a video, ``audio``/``voice``
    audio; ``file`` any accepted document, image, audio or video)."""
    with database.reading() as session:
        chat_id = chats.participant_chat(session, caller=Caller.of(token_info), chat_id=chatId).id
    accepted = accept_file(file, field="file", allow=ATTACHMENT_KINDS[type], max_bytes=MAX_ATTACHMENT_BYTES)
    key = f"chat-attachments/{chat_id}/{type}s/{secrets.token_hex(12)}.{accepted.ext}"
    PRODUCT.runtime.storage.save(key, accepted.data)
    return {"attachmentUrl": public_url(f"/public/{key}"), "attachmentName": accepted.name or key.rsplit("/", 1)[1],
            "attachmentMimeType": accepted.content_type, "attachmentSize": accepted.size, "type": type}, 201


def subscribe(chatId, body, token_info):
    _change_subscription(chatId, body, token_info, push_gateway().subscribe)
    return SUCCESS, 200


def unsubscribe(chatId, body, token_info):
    _change_subscription(chatId, body, token_info, push_gateway().unsubscribe)
    return SUCCESS, 200


def _change_subscription(chat_id, body, token_info, change):
    with database.reading() as session:
        chats.participant_chat(session, caller=Caller.of(token_info), chat_id=chat_id)
    change(body["deviceToken"], chat_topic(chat_id))

