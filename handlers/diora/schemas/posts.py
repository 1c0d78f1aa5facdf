"""Posts and comments as the spec's ``Post``, ``Comment`` and ``CommentReply`` show them."""
from marshmallow import Schema, fields

from handlers.diora.schemas.users import user_summary_out
from handlers.fields import IsoZ, dumper


class _PostOut(Schema):
    _id = fields.String(attribute="id")
    imageUrl = fields.String(attribute="image_url")
    imageId = fields.String(attribute="image_id")
    caption = fields.String()
    stars = fields.Integer()
    likes = fields.Function(lambda post: post.stars)
    comments = fields.Integer(attribute="comments_count")
    commentsCount = fields.Function(lambda post: post.comments_count)
    isHidden = fields.Boolean(attribute="is_hidden")
    createdAt = IsoZ(attribute="created_at")


class _CommentOut(Schema):
    _id = fields.String(attribute="id")
    postId = fields.String(attribute="post_id")
    parentId = fields.String(attribute="parent_id", allow_none=True)
    text = fields.String()
    content = fields.Function(lambda comment: comment.text)
    createdAt = IsoZ(attribute="created_at")


_post_out = dumper(_PostOut())
_comment_out = dumper(_CommentOut())


def posts_out(shown, liked_at=None):
    """``Post`` for each row of a :class:`models.diora.post.Shown`."""
    out = []
    for post, owner in shown.rows:
        item = _post_out(post)
        item["user"] = user_summary_out(owner)
        item["isLiked"] = post.id in shown.liked
        if liked_at is not None:
            item["likedAt"] = IsoZ.convert(liked_at.get(post.id))
        out.append(item)
    return out


def comment_out(comment, author, replies=None):
    item = _comment_out(comment)
    item["user"] = user_summary_out(author)
    if replies is not None:
        item["replies"] = [comment_out(r, a) for r, a in replies]
    return item


def comment_pagination(page):
    """The original's ``pagination`` for comments, plus the shared ``Pagination`` fields."""
    return {"currentPage": page.page, "totalPages": page.total_pages, "totalComments": page.total,
            "hasNextPage": page.page < page.total_pages, "hasPrevPage": page.page > 1,
            "page": page.page, "limit": page.limit, "total": page.total}
