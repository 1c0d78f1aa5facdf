"""Reviews of products and shops."""
from handlers.diora.images import discard, keys_of, store_images
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.catalog import review_out
from models.diora import database, reviews

MAX_IMAGES = 5


def _admin(token_info):
    return (token_info or {}).get("type") == "admin"


def create_review(body, user, images=None):
    stored = store_images(images, field="images", max_count=MAX_IMAGES, required=False)
    try:
        with database.unit_of_work() as uow:
            review = reviews.create(uow.session, user_id=user, target_type=body["targetType"],
                                    target_id=body["targetId"], rating=body["rating"], comment=body.get("comment"),
                                    images=stored)
            shown = review_out(review)
            uow.commit()
    except BaseException:
        discard(keys_of(stored))
        raise
    return ok("Review created successfully", review=shown), 201


def _listed(target_type, target_id, token_info, page, limit):
    with database.reading() as session:
        target, found = reviews.for_target(session, target_type=target_type, target_id=target_id, page=page,
                                           limit=limit, as_admin=_admin(token_info))
        shown = [review_out(r) for r in found.items]
        if target_type == "product":
            total, count = target.rating_sum or 0, target.review_count or 0
        else:
            total, count = target.shop_rating_sum or 0, target.shop_review_count or 0
    figures = {"rating": total, "reviewCount": count, "averageRating": round(total / count, 1) if count else 0}
    message = None if shown or page > 1 else f"No reviews found for this {target_type}"
    return ok(message, reviews=shown, pagination=pagination(found), **figures), 200


def get_product_reviews(productId, token_info, page=1, limit=20):
    return _listed("product", productId, token_info, page, limit)


def get_shop_reviews(shopId, token_info, page=1, limit=20):
    return _listed("shop", shopId, token_info, page, limit)


def check_reviewed(userId, targetType, targetId):
    with database.reading() as session:
        review = reviews.find(session, user_id=userId, target_type=targetType, target_id=targetId)
    found = review is not None
    return ok(reviewed=found, hasReviewed=found, reviewId=review.id if found else None), 200


def update_review(targetType, id, user, body=None, images=None):
    body = body or {}
    stored = store_images(images, field="images", max_count=MAX_IMAGES, required=False)
    try:
        with database.unit_of_work() as uow:
            review, replaced = reviews.update(uow.session, user_id=user, target_type=targetType, review_id=id,
                                              rating=body.get("rating"), comment=body.get("comment"), images=stored)
            shown = review_out(review)
            uow.commit()
    except BaseException:
        discard(keys_of(stored))
        raise
    discard(replaced)
    return ok("Review updated successfully", review=shown), 200


def delete_review(targetType, id, user):
    with database.unit_of_work() as uow:
        keys = reviews.delete(uow.session, user_id=user, target_type=targetType, review_id=id)
        uow.commit()
    discard(keys)
    return ok("Review deleted successfully"), 200
