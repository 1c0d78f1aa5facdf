"""The follow graph: one toggle, counters kept on both accounts under their row locks."""
from sqlalchemy import select

from models.diora import notifications, standing, users
from models.diora.tables.users import Follow
from models.errors import RuleViolation


def toggle_follow(session, *, follower_id, target_id, viewer_is_admin=False):
    """Follow ``target_id``, or stop following it when already following. Returns
    ``(now_following, following_ids, changed_notifications)``.

    Both accounts are locked in id order (two opposite toggles cannot deadlock); the pair is unique (the
    primary key), so the counters move exactly once per change. A target that is banned or suspended is
    404 ``USER_001`` (the original's "accessible user" rule), except for administrators."""
    if follower_id == target_id:
        raise RuleViolation("You can't follow yourself", field="targetUserId")
    locked = {}
    for user_id in sorted((follower_id, target_id)):
        locked[user_id] = users.get_user(session, user_id, lock=True)
    follower, target = locked[follower_id], locked[target_id]
    if not standing.is_visible(target, viewer_is_admin=viewer_is_admin):
        raise users.user_not_found()
    existing = session.get(Follow, (follower_id, target_id))
    changed = []
    if existing is not None:
        session.delete(existing)
        follower.following_count = max(0, follower.following_count - 1)
        target.followers_count = max(0, target.followers_count - 1)
        notifications.withdraw_follow(session, recipient_id=target_id, follower_id=follower_id)
        now_following = False
    else:
        session.add(Follow(follower_id=follower_id, followed_id=target_id))
        follower.following_count += 1
        target.followers_count += 1
        session.flush()
        note = notifications.notify_follow(session, recipient=target, follower=follower)
        changed = [note] if note is not None else []
        now_following = True
    following = list(session.scalars(select(Follow.followed_id).where(Follow.follower_id == follower_id)
                                     .order_by(Follow.created_at.desc(), Follow.followed_id)))
    return now_following, following, changed


def is_following(session, *, follower_id, target_id):
    return session.get(Follow, (follower_id, target_id)) is not None


def follower_ids(session, user_id):
    return list(session.scalars(select(Follow.follower_id).where(Follow.followed_id == user_id)))
