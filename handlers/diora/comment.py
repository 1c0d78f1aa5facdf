"""Comments and replies on posts."""
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok
from handlers.diora.schemas.posts import comment_out, comment_pagination
from models.diora import comment as comments, database
from models.errors import InvalidInput


def _admin(token_info):
    return (token_info or {}).get("type") == "admin"


def _text(body):
    """The comment's text: ``text`` (the client's and the original's name) or ``content`` (the reference's)."""
    text = body.get("text", body.get("content"))
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("text is required", field="text")
    return text


def create_comment(body, user, token_info):
    text = _text(body)
    with database.unit_of_work() as uow:
        comment, author, notes = comments.create_comment(uow.session, post_id=body["postId"], user_id=user,
                                                         text=text, viewer_is_admin=_admin(token_info))
        shown = comment_out(comment, author, [])
        events = dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    return ok("Comment created successfully", comment=shown), 201


def reply_comment(commentId, body, user, token_info):
    text = _text(body)
    with database.unit_of_work() as uow:
        comment, author, notes = comments.reply(uow.session, comment_id=commentId, user_id=user, text=text,
                                                post_id=body.get("postId"), viewer_is_admin=_admin(token_info))
        shown = comment_out(comment, author)
        events = dump_notifications(notes)
        uow.commit()
    publish_notifications(events)
    return ok("Reply created successfully", comment=shown), 201


def get_post_comments(postId, user, token_info, page=1, limit=10):
    with database.reading() as session:
        thread, found = comments.comments_of(session, post_id=postId, viewer_id=user,
                                             viewer_is_admin=_admin(token_info), page=page, limit=limit)
        shown = [comment_out(c, a, thread.replies.get(c.id, [])) for c, a in thread.rows]
    return ok(comments=shown, pagination=comment_pagination(found)), 200


def delete_comment(commentId, user, token_info):
    with database.unit_of_work() as uow:
        comments.delete_comment(uow.session, comment_id=commentId, user_id=user, viewer_is_admin=_admin(token_info))
        uow.commit()
    return ok("Comment deleted successfully"), 200
