"""The feed: posts, likes and trending posts."""
from handlers.diora.files import store_image
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.posts import posts_out
from models.diora import database, post as posts


def _admin(token_info):
    return (token_info or {}).get("type") == "admin"


def get_posts(user, token_info, page=1, limit=20):
    with database.reading() as session:
        shown, found = posts.feed(session, viewer_id=user, viewer_is_admin=_admin(token_info), page=page, limit=limit)
        return ok(posts=posts_out(shown), pagination=pagination(found)), 200


def get_trending(user, token_info, limit=None):
    with database.reading() as session:
        shown = posts.trending(session, viewer_id=user, viewer_is_admin=_admin(token_info),
                               limit=limit or posts.TRENDING_DEFAULT)
        found = posts_out(shown)
    return ok(trendingPosts=found, posts=found), 200


def create_post(user, body=None, image=None):
    stored = store_image(image, field="image")  # judged and kept before the write transaction
    with database.unit_of_work() as uow:
        shown = posts.create_post(uow.session, user_id=user, caption=(body or {}).get("caption"), image=stored)
        [created] = posts_out(shown)
        uow.commit()
    return ok("Post created successfully", post=created), 201


def get_post(postId, user, token_info):
    with database.reading() as session:
        [found] = posts_out(posts.show_post(session, postId, viewer_id=user, viewer_is_admin=_admin(token_info)))
    return ok(post=found), 200


def like_post(postId, user, token_info):
    with database.unit_of_work() as uow:
        liked, post, liked_ids, notes = posts.toggle_like(uow.session, post_id=postId, user_id=user,
                                                          viewer_is_admin=_admin(token_info))
        stars = post.stars
        events = dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    message = "Post liked successfully" if liked else "Post unliked successfully"
    return ok(message, liked=liked, stars=stars, user={"likedPosts": liked_ids},
              post={"_id": postId, "stars": stars}), 200


def get_user_posts(userId, user, token_info, page=1, limit=20):
    with database.reading() as session:
        shown, found = posts.posts_of(session, owner_id=userId, viewer_id=user, viewer_is_admin=_admin(token_info),
                                      page=page, limit=limit)
        return ok(posts=posts_out(shown), pagination=pagination(found)), 200


def get_liked_posts(userId, user, token_info, page=1, limit=20):
    with database.reading() as session:
        shown, found, liked_at = posts.liked_by(session, user_id=userId, viewer_id=user,
                                                viewer_is_admin=_admin(token_info), page=page, limit=limit)
        return ok(posts=posts_out(shown, liked_at), pagination=pagination(found)), 200


def delete_post(postId, user, token_info):
    with database.unit_of_work() as uow:
        posts.delete_post(uow.session, post_id=postId, user_id=user, viewer_is_admin=_admin(token_info))
        uow.commit()
    return ok("Post deleted successfully"), 200
