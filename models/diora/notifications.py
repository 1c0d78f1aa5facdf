"""Creating notifications: the one service every area calls (the list, read and delete operations are
the notification area's). Each function takes the open session, runs inside the caller's unit of work,
never commits, and returns the notification rows it created or changed (or None) so that the caller can
publish them once its transaction has committed::

    with database.unit_of_work() as uow:
        note = notifications.notify_like(uow.session, post_id=post.id, owner_id=post.user_id,
                                         liker_id=user, image_url=post.image_url)
        uow.commit()
        payload = notification_out.dump(note) if note else None
    if payload:
        publish([note.user_id], "notification", payload)

Rules (the original's, plus the recipient's settings):

- Nobody is notified about their own action.
- The recipient's switch for the type (``settings.notifications``: like → ``likes``, comment →
  ``comments``, message → ``messages``, every other type its own name) must be on; with ``force=True``
  (account notices from administrators) it is not consulted.
- Likes and comments are aggregated: one notification per (recipient, post) and kind, whose
  ``from_user_ids`` lists the people newest first and whose message names the newest two:
  "A liked your post", "A and B liked your post", "A, B and 3 others liked your post". A new like
  moves it to the top again (``updated_at``) and marks it unread. Taking the last like back deletes it;
  taking one back otherwise rewrites the message.
- A reply notifies the parent comment's author ("New Reply"), one notification per reply.
- A follow notifies the followed account ("New Follower"); following again after unfollowing renews
  the same notification instead of adding another; unfollowing removes it.
"""
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from models.base import utcnow
from models.diora.tables.notifications import TYPES, Notification
from models.diora.tables.users import User

SWITCH_FOR_TYPE = {"like": "likes", "comment": "comments", "message": "messages"}
LIKE = ("like", "New Like", "liked your post")
COMMENT = ("comment", "New Comment", "commented on your post")


def wants(session, recipient_id, type):
    """Whether ``recipient_id`` exists and has the switch for ``type`` on."""
    settings = session.execute(select(User.notification_settings).where(User.id == recipient_id)).first()
    if settings is None:
        return False
    switch = SWITCH_FOR_TYPE.get(type, type)
    return bool((settings[0] or {}).get(switch, True))


def notify(session, *, recipient_id, type, title, message, actor_id=None, post_id=None, product_id=None,
           comment_id=None, order_id=None, image_url=None, action_url=None, avatar=None, data=None, force=False):
    """One notification for ``recipient_id`` (not aggregated). Returns it, or None when the recipient
    does not want this type, is the actor, or does not exist."""
    if type not in TYPES:
        raise ValueError(f"unknown notification type {type!r}")
    if actor_id is not None and actor_id == recipient_id:
        return None
    if not (force and _exists(session, recipient_id)) and not wants(session, recipient_id, type):
        return None
    if avatar is None and actor_id is not None:
        avatar = session.scalar(select(User.avatar).where(User.id == actor_id))
    note = Notification(user_id=recipient_id, type=type, title=title, message=message, from_user_id=actor_id,
                        from_user_ids=[actor_id] if actor_id else [], post_id=post_id, product_id=product_id,
                        comment_id=comment_id, order_id=order_id, image_url=image_url, action_url=action_url,
                        avatar=avatar, data=data, read=False)
    session.add(note)
    session.flush()
    return note


def notify_like(session, *, post_id, owner_id, liker_id, image_url=None):
    """``liker_id`` liked ``owner_id``'s post: the post's aggregated like notification, or None."""
    return _join(session, LIKE, post_id=post_id, recipient_id=owner_id, actor_id=liker_id, image_url=image_url)


def withdraw_like(session, *, post_id, owner_id, liker_id):
    """``liker_id`` took the like back: the rewritten notification, or None (deleted, or none there)."""
    return _leave(session, LIKE, post_id=post_id, recipient_id=owner_id, actor_id=liker_id)


def notify_comment(session, *, post_id, owner_id, commenter_id, comment_id=None, image_url=None):
    """``commenter_id`` commented on ``owner_id``'s post: the post's aggregated comment notification."""
    return _join(session, COMMENT, post_id=post_id, recipient_id=owner_id, actor_id=commenter_id,
                 image_url=image_url, comment_id=comment_id)


def withdraw_comment(session, *, post_id, owner_id, commenter_id):
    """``commenter_id`` no longer has a comment on the post (call it when their last one is deleted)."""
    return _leave(session, COMMENT, post_id=post_id, recipient_id=owner_id, actor_id=commenter_id)


def notify_reply(session, *, post_id, parent_author_id, replier_id, comment_id):
    """``replier_id`` replied to ``parent_author_id``'s comment ``comment_id`` (the reply's id)."""
    name = _username(session, replier_id)
    return notify(session, recipient_id=parent_author_id, type="comment", title="New Reply",
                  message=f"{name} replied to your comment", actor_id=replier_id, post_id=post_id,
                  comment_id=comment_id, action_url=f"/post/{post_id}")


def notify_follow(session, *, recipient, follower):
    """``follower`` (a user) now follows ``recipient`` (a user)."""
    if follower.id == recipient.id or not (recipient.notification_settings or {}).get("follow", True):
        return None
    note = _grouped(session, recipient.id, f"follow:{follower.id}", lambda: Notification(
        user_id=recipient.id, type="follow", title="New Follower", from_user_ids=[], message="",
        action_url=f"/user/{follower.id}", data={"followerId": follower.id}))
    note.message = f"{follower.username} started following you"
    note.from_user_id, note.from_user_ids, note.avatar = follower.id, [follower.id], follower.avatar
    note.read, note.updated_at = False, utcnow()
    session.flush()
    return note


def withdraw_follow(session, *, recipient_id, follower_id):
    session.execute(delete(Notification).where(Notification.user_id == recipient_id,
                                               Notification.group_key == f"follow:{follower_id}"))


def _join(session, kind, *, post_id, recipient_id, actor_id, image_url=None, comment_id=None):
    type, title, verb = kind
    if actor_id == recipient_id or not wants(session, recipient_id, type):
        return None
    note = _grouped(session, recipient_id, f"{type}:{post_id}", lambda: Notification(
        user_id=recipient_id, type=type, title=title, post_id=post_id, image_url=image_url, from_user_ids=[],
        message="", action_url=f"/post/{post_id}"))
    note.from_user_ids = [actor_id] + [i for i in (note.from_user_ids or []) if i != actor_id]
    note.from_user_id = actor_id
    note.avatar = session.scalar(select(User.avatar).where(User.id == actor_id))
    if comment_id is not None:
        note.comment_id = comment_id
    note.message = _aggregate_message(session, note.from_user_ids, verb)
    note.read, note.updated_at = False, utcnow()
    session.flush()
    return note


def _leave(session, kind, *, post_id, recipient_id, actor_id):
    type, _title, verb = kind
    note = session.scalars(select(Notification).where(Notification.user_id == recipient_id,
                                                      Notification.group_key == f"{type}:{post_id}")
                           .with_for_update()).first()
    if note is None or actor_id not in (note.from_user_ids or []):
        return None
    remaining = [i for i in note.from_user_ids if i != actor_id]
    if not remaining:
        session.delete(note)
        session.flush()
        return None
    note.from_user_ids, note.from_user_id = remaining, remaining[0]
    note.avatar = session.scalar(select(User.avatar).where(User.id == remaining[0]))
    note.message = _aggregate_message(session, remaining, verb)
    session.flush()
    return note


def _grouped(session, recipient_id, group_key, make):
    """The recipient's notification for ``group_key``, locked; made with ``make()`` when there is none
    (a concurrent maker wins the unique key and this one uses its row)."""
    stmt = (select(Notification).where(Notification.user_id == recipient_id, Notification.group_key == group_key)
            .with_for_update())
    note = session.scalars(stmt).first()
    if note is not None:
        return note
    note = make()
    note.group_key = group_key
    try:
        with session.begin_nested():
            session.add(note)
            session.flush()
    except IntegrityError:
        note = session.scalars(stmt.execution_options(populate_existing=True)).one()
    return note


def _aggregate_message(session, actor_ids, verb):
    shown = actor_ids[:2]
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(shown))).all())
    first, *rest = [names.get(i, "Someone") for i in shown]
    others = len(actor_ids) - 2
    if not rest:
        return f"{first} {verb}"
    if others <= 0:
        return f"{first} and {rest[0]} {verb}"
    return f"{first}, {rest[0]} and {others} {'other' if others == 1 else 'others'} {verb}"


def _username(session, user_id):
    return session.scalar(select(User.username).where(User.id == user_id)) or "Someone"


def _exists(session, user_id):
    return session.scalar(select(User.id).where(User.id == user_id)) is not None
