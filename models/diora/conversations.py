"""Conversations: private ones (one per pair of users, found again when started again) and groups (2 to
10 members, a name, an optional picture; every change is told in the group by an ``info`` message).
Only members see a conversation: to everyone else it does not exist (404), except the group operations,
which tell an outsider 403 as the original did.

Services take the session first and everything else by keyword, raise domain errors and never commit.
Changes to a conversation take its row lock first, so concurrent joins, leaves and renames serialise.
"""
from collections import defaultdict

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from models.base import utcnow
from models.diora import standing, users
from models.diora.tables.messages import Conversation, Message, Participant, Reaction
from models.diora.tables.users import User
from models.errors import Forbidden, NotFound, RuleViolation
from models.ids import is_object_id
from models.paging import Page

MAX_MEMBERS = 10
MIN_OTHERS = 2


def conversation_not_found():
    return NotFound("Conversation not found")


def pair_key(first, second):
    return ":".join(sorted((first, second)))


def get_for(session, conversation_id, user_id, *, lock=False):
    """``conversation_id`` if ``user_id`` is a member (404 ``Conversation not found`` otherwise)."""
    if not is_object_id(conversation_id):
        raise conversation_not_found()
    stmt = (select(Conversation).join(Participant, Participant.conversation_id == Conversation.id)
            .where(Conversation.id == conversation_id, Participant.user_id == user_id))
    if lock:
        stmt = stmt.with_for_update(of=Conversation)
    conversation = session.scalars(stmt).first()
    if conversation is None:
        raise conversation_not_found()
    return conversation


def is_member(session, conversation_id, user_id):
    return session.get(Participant, (conversation_id, user_id)) is not None


def member_ids(session, conversation_id):
    """The members' ids, in the order they joined."""
    return list(session.scalars(select(Participant.user_id).where(Participant.conversation_id == conversation_id)
                                .order_by(Participant.joined_at, Participant.user_id)))


def group_for_change(session, conversation_id, user_id, *, wrong_type, not_member, lock=True):
    """A group ``user_id`` belongs to, locked for a change: 404 when it does not exist, 400
    ``wrong_type`` for a private conversation, 403 ``not_member`` for an outsider."""
    if not is_object_id(conversation_id):
        raise conversation_not_found()
    stmt = select(Conversation).where(Conversation.id == conversation_id)
    conversation = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if conversation is None:
        raise conversation_not_found()
    if conversation.type != "group":
        raise RuleViolation(wrong_type, field="conversationId")
    if not is_member(session, conversation_id, user_id):
        raise Forbidden(not_member)
    return conversation


def open_private(session, *, user_id, other_id, field):
    """The private conversation of ``user_id`` and ``other_id``, made when there is none. Returns
    ``(conversation, created)``. 400 with oneself; 404 ``USER_001`` for an unknown, banned or suspended
    user; 403 when the other user's ``privacy.allowMessages`` is off and no conversation exists yet."""
    if other_id == user_id:
        raise RuleViolation("You can't message yourself", field=field)
    other = users.get_user(session, other_id)
    if not standing.is_visible(other):
        raise users.user_not_found()
    key = pair_key(user_id, other_id)
    existing = session.scalars(select(Conversation).where(Conversation.pair_key == key)).first()
    if existing is not None:
        return existing, False
    if not (other.privacy or {}).get("allowMessages", True):
        raise Forbidden("This user does not accept messages")
    try:
        with session.begin_nested():
            conversation = Conversation(type="private", pair_key=key, created_by=user_id)
            session.add(conversation)
            session.flush()
            session.add_all([Participant(conversation_id=conversation.id, user_id=member)
                             for member in (user_id, other_id)])
            session.flush()
    except IntegrityError:  # started by both at once: the other one's is the conversation
        return session.scalars(select(Conversation).where(Conversation.pair_key == key)).one(), False
    return conversation, True


def create_group(session, *, user_id, name, participant_ids, avatar=None):
    """A group of the caller and ``participant_ids`` (2 to 9 others, every one a visible user), with the
    info message ``<username> created the group <name>``. Returns ``(conversation, info message)``."""
    others = [member for member in dict.fromkeys(participant_ids) if member != user_id]
    if len(others) < MIN_OTHERS:
        raise RuleViolation("At least 2 participants are required for a group", field="participants")
    if len(others) + 1 > MAX_MEMBERS:
        raise RuleViolation(f"Group chat is limited to {MAX_MEMBERS} members maximum", field="participants")
    _check_users(session, others, field="participants")
    creator = users.get_user(session, user_id)
    conversation = Conversation(type="group", name=name.strip(), avatar=avatar, created_by=user_id)
    session.add(conversation)
    session.flush()
    session.add_all([Participant(conversation_id=conversation.id, user_id=member) for member in [user_id, *others]])
    info = post_info(session, conversation, actor_id=user_id, text=f"{creator.username} created the group {conversation.name}")
    return conversation, info


def leave(session, *, conversation_id, user_id):
    """The caller leaves a group. Returns ``(conversation or None, info message or None, remaining ids)``:
    the last member leaving deletes the group with all its messages."""
    conversation = group_for_change(session, conversation_id, user_id, wrong_type="Can only leave group conversations",
                                    not_member="Not a member of this group")
    session.execute(delete(Participant).where(Participant.conversation_id == conversation_id,
                                              Participant.user_id == user_id))
    remaining = member_ids(session, conversation_id)
    if not remaining:
        message_ids = select(Message.id).where(Message.conversation_id == conversation_id).scalar_subquery()
        session.execute(delete(Reaction).where(Reaction.message_id.in_(message_ids)))
        session.execute(delete(Message).where(Message.conversation_id == conversation_id))
        session.delete(conversation)
        session.flush()
        return None, None, []
    leaver = users.get_user(session, user_id)
    info = post_info(session, conversation, actor_id=user_id, text=f"{leaver.username} left the group")
    return conversation, info, remaining


def edit_group(session, *, conversation_id, user_id, name=None, avatar=None):
    """A new name (told by ``<username> updated the group's name to '<name>'``) and/or picture
    ``(url, storage id)``. Returns ``(conversation, info message or None)``."""
    conversation = group_for_change(session, conversation_id, user_id,
                                    wrong_type="Can only update group conversations",
                                    not_member="Not authorized to update this group")
    info = None
    if avatar is not None:
        conversation.avatar, conversation.avatar_id = avatar
        conversation.updated_at = utcnow()
    if name is not None and name.strip() != conversation.name:
        conversation.name = name.strip()
        editor = users.get_user(session, user_id)
        info = post_info(session, conversation, actor_id=user_id,
                         text=f"{editor.username} updated the group's name to '{conversation.name}'")
    session.flush()
    return conversation, info


def add_members(session, *, conversation_id, user_id, new_ids):
    """Adds visible users to a group (members already in it are skipped; 10 at most in all), told by
    ``<username> added <a, b> to the group``. Returns ``(conversation, info message or None, added ids)``."""
    conversation = group_for_change(session, conversation_id, user_id,
                                    wrong_type="Can only add users to group conversations",
                                    not_member="Not authorized to add users")
    members = member_ids(session, conversation_id)
    fresh = [member for member in dict.fromkeys(new_ids) if member not in members]
    added = _check_users(session, fresh, field="users")
    if len(members) + len(fresh) > MAX_MEMBERS:
        raise RuleViolation(f"Group chat is limited to {MAX_MEMBERS} members maximum", field="users")
    if not fresh:
        return conversation, None, []
    session.add_all([Participant(conversation_id=conversation_id, user_id=member) for member in fresh])
    adder = users.get_user(session, user_id)
    names = ", ".join(added[member].username for member in fresh)
    info = post_info(session, conversation, actor_id=user_id, text=f"{adder.username} added {names} to the group")
    return conversation, info, fresh


def post_info(session, conversation, *, actor_id, text):
    """An ``info`` message in the conversation (it becomes the last message; nobody's unread count moves)."""
    info = Message(conversation_id=conversation.id, sender_id=actor_id, text=text, type="info", status="sent")
    session.add(info)
    session.flush()
    conversation.last_message_id = info.id
    conversation.updated_at = info.created_at
    session.flush()
    return info


def list_for(session, *, user_id, page, limit):
    """The caller's conversations, latest activity first."""
    mine = select(Participant.conversation_id).where(Participant.user_id == user_id)
    total = session.scalar(select(func.count()).select_from(mine.subquery()))
    items = session.scalars(select(Conversation).where(Conversation.id.in_(mine))
                            .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
                            .limit(limit).offset((page - 1) * limit)).all()
    return Page(items=list(items), total=total or 0, page=page, limit=limit)


def members_of(session, conversation_ids):
    """``{conversation id: [(User, unread count)]}``, members in the order they joined (one query)."""
    found = defaultdict(list)
    if not conversation_ids:
        return found
    rows = session.execute(select(Participant.conversation_id, User, Participant.unread_count)
                           .join(User, User.id == Participant.user_id)
                           .where(Participant.conversation_id.in_(list(conversation_ids)))
                           .order_by(Participant.joined_at, Participant.user_id))
    for conversation_id, user, unread in rows:
        found[conversation_id].append((user, unread))
    return found


def partner_ids(session, user_id):
    """Everyone who shares a conversation with ``user_id`` (whom their presence concerns)."""
    mine = select(Participant.conversation_id).where(Participant.user_id == user_id)
    return list(session.scalars(select(Participant.user_id).distinct()
                                .where(Participant.conversation_id.in_(mine), Participant.user_id != user_id)))


def _check_users(session, ids, *, field):
    """``{id: User}`` for ``ids``, all of which must be visible users (400 naming ``field`` otherwise)."""
    if not ids:
        return {}
    if not all(is_object_id(member) for member in ids):
        raise RuleViolation("One or more participants not found", field=field)
    found = {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))
             if standing.is_visible(user)}
    if len(found) != len(ids):
        raise RuleViolation("One or more participants not found", field=field)
    return found
