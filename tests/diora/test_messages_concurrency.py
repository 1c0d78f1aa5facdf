"""Messaging races on a committed database from real threads: a pair starting their conversation at the
same moment gets one conversation; messages sent at once all count as unread, exactly; members leaving a
group at once leave nothing behind."""
from sqlalchemy import func, select

from models.diora import conversations, messages
from models.diora.tables.messages import Conversation, Message, Participant
from tests.diora.test_concurrency import RACERS, account, race_db, run_together  # noqa: F401  (race_db: fixture)


def test_both_start_the_same_conversation_at_once(race_db):  # noqa: F811 (the shared fixture)
    first, second = account(race_db, "ann"), account(race_db, "ben")

    def start(index):
        me, other = (first, second) if index % 2 else (second, first)
        with race_db.unit_of_work() as uow:
            conversation, _ = conversations.open_private(uow.session, user_id=me, other_id=other, field="otherUserId")
            conversation_id = conversation.id
            uow.commit()
        return conversation_id

    results = run_together(start)
    assert len(set(results)) == 1, results
    with race_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)
                              .where(Conversation.pair_key == conversations.pair_key(first, second))) == 1


def test_messages_sent_at_once_count_exactly(race_db):  # noqa: F811 (the shared fixture)
    reader, senders = account(race_db, "reader"), [account(race_db, "sender") for _ in range(2)]
    with race_db.unit_of_work() as uow:
        group, _ = conversations.create_group(uow.session, user_id=reader, name="race", participant_ids=senders)
        group_id = group.id
        uow.commit()

    def send(index):
        with race_db.unit_of_work() as uow:
            messages.send(uow.session, user_id=senders[index % 2], conversation_id=group_id, text=f"m{index}")
            uow.commit()

    assert run_together(send) == [None] * RACERS
    with race_db.reading() as session:
        unread = dict(session.execute(select(Participant.user_id, Participant.unread_count)
                                      .where(Participant.conversation_id == group_id)).all())
        last = session.get(Conversation, group_id).last_message_id
        newest = session.scalars(select(Message.id).where(Message.conversation_id == group_id)
                                 .order_by(Message.created_at.desc(), Message.id.desc())).first()
    assert unread[reader] == RACERS
    assert sorted(unread[s] for s in senders) == [RACERS // 2, RACERS // 2]
    assert last == newest


def test_everyone_leaving_at_once_deletes_the_group(race_db):  # noqa: F811 (the shared fixture)
    owner = account(race_db, "owner")
    others = [account(race_db, "member") for _ in range(RACERS - 1)]
    with race_db.unit_of_work() as uow:
        group, _ = conversations.create_group(uow.session, user_id=owner, name="race", participant_ids=others)
        group_id = group.id
        uow.commit()
    members = [owner, *others]

    def leave(index):
        with race_db.unit_of_work() as uow:
            conversation, _, _ = conversations.leave(uow.session, conversation_id=group_id, user_id=members[index])
            uow.commit()
        return conversation is None

    assert sorted(run_together(leave)) == [False] * (RACERS - 1) + [True]
    with race_db.reading() as session:
        assert session.get(Conversation, group_id) is None
        assert session.scalar(select(func.count()).select_from(Message).where(Message.conversation_id == group_id)) == 0
