"""Profiles: one's own, anyone's, the trending list, following, and image uploads."""
from handlers.diora.files import store_image
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok
from handlers.diora.schemas.users import public_user, restricted_user, self_user, trending_user
from models.diora import database, follows, standing, trending, users


def get_me(user):
    with database.reading() as session:
        account = users.get_user(session, user)
        shown = self_user(users.profile(session, account, with_likes=True))
    if users.activity_is_stale(account):
        with database.unit_of_work() as uow:
            users.record_activity(uow.session, user_id=user)
            uow.commit()
    return ok(user=shown), 200


def get_user(userId, user, token_info):
    if userId == user:
        return get_me(user)
    with database.reading() as session:
        account = users.get_user(session, userId)
        if not standing.is_visible(account, viewer_is_admin=token_info.get("type") == "admin"):
            return ok(user=restricted_user(account)), 200
        return ok(user=public_user(users.profile(session, account))), 200


def get_trending_users(user, limit=None):
    with database.reading() as session:
        found = [trending_user(account) for account, _score in
                 trending.trending_users(session, viewer_id=user, limit=limit or 10)]
    return ok(trendingUsers=found, users=found), 200


def follow_user(targetUserId, user, token_info):
    with database.unit_of_work() as uow:
        following, ids, notes = follows.toggle_follow(uow.session, follower_id=user, target_id=targetUserId,
                                                      viewer_is_admin=token_info.get("type") == "admin")
        events = dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    message = "User followed successfully" if following else "User unfollowed successfully"
    return ok(message, following=ids, isFollowing=following), 200


def upload_image(user, image=None):
    url, key = store_image(image, field="image")
    return ok("Image uploaded successfully", data={"url": url, "id": key}), 200
