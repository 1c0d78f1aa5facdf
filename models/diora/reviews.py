"""Reviews of products and shops: one per user and target, rating 1 to 5, by anyone signed in but the
shop itself (its own shop, its own products). The target keeps the sum of its ratings and their count
(``rating_sum``/``review_count`` on products, ``shop_rating_sum``/``shop_review_count`` on shops), moved
under the target's row lock in the same transaction as the review. ``verifiedPurchase`` is set when the
reviewer has a live order with that product, or with any product of that shop."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.base import utcnow
from models.diora import products, sales, shops
from models.diora.tables.catalog import Review
from models.diora.tables.users import User
from models.errors import Conflict, Forbidden, NotFound
from models.ids import is_object_id
from models.paging import page_query

ACCESS_DENIED = "AUTH_002"
REVIEW_NOT_FOUND = "Review not found"


def _target(session, target_type, target_id, *, lock=False, as_admin=False):
    """The locked product or shop row a review counts on."""
    if target_type == "product":
        return products.get_product(session, target_id, lock=lock, as_admin=as_admin)
    return shops.get_shop(session, target_id, lock=lock, as_admin=as_admin)


def _move(target, target_type, rating_delta, count_delta):
    if target_type == "product":
        target.rating_sum = (target.rating_sum or 0) + rating_delta
        target.review_count = max(0, (target.review_count or 0) + count_delta)
    else:
        target.shop_rating_sum = (target.shop_rating_sum or 0) + rating_delta
        target.shop_review_count = max(0, (target.shop_review_count or 0) + count_delta)


def _column(target_type):
    return Review.product_id if target_type == "product" else Review.shop_id


def create(session, *, user_id, target_type, target_id, rating, comment="", images=()):
    """A new review (201). 404 for a target that is gone or not visible, 403 for the shop's own, 409
    ``You have already reviewed this <product|shop>`` (also when two arrive at once)."""
    target = _target(session, target_type, target_id, lock=True)
    owner = target.shop_id if target_type == "product" else target.id
    if owner == user_id:
        raise Forbidden(f"You cannot review your own {target_type}", code=ACCESS_DENIED)
    already = f"You have already reviewed this {target_type}"
    if session.scalars(select(Review.id).where(Review.user_id == user_id, _column(target_type) == target_id)).first():
        raise Conflict(already, field="targetId")
    bought = sales.has_bought(session, user_id=user_id, **{f"{target_type}_id": target_id})
    review = Review(user_id=user_id, target_type=target_type, rating=rating, comment=(comment or "").strip(),
                    images=[url for url, _ in images], image_ids=[key for _, key in images], verified_purchase=bought,
                    **{f"{target_type}_id": target_id})
    try:
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError:
        raise Conflict(already, field="targetId") from None
    _move(target, target_type, rating, 1)
    session.flush()
    return with_authors(session, [review])[0]


def _own(session, *, user_id, target_type, review_id, verb):
    if not is_object_id(review_id):
        raise NotFound(REVIEW_NOT_FOUND)
    review = session.scalars(select(Review).where(Review.id == review_id, Review.target_type == target_type)
                             .with_for_update()).first()
    if review is None:
        raise NotFound(REVIEW_NOT_FOUND)
    if review.user_id != user_id:
        raise Forbidden(f"Not authorized to {verb} this review", code=ACCESS_DENIED)
    return review


def _locked_target(session, review):
    return _target(session, review.target_type, review.target_id, lock=True, as_admin=True)


def update(session, *, user_id, target_type, review_id, rating=None, comment=None, images=None):
    """Change the author's review; new ``images`` replace the old. Returns ``(review, replaced ids)``."""
    review = _own(session, user_id=user_id, target_type=target_type, review_id=review_id, verb="update")
    replaced = []
    if rating is not None and rating != review.rating:
        _move(_locked_target(session, review), review.target_type, rating - review.rating, 0)
        review.rating = rating
    if comment is not None:
        review.comment = comment.strip()
    if images:
        replaced = list(review.image_ids or [])
        review.images = [url for url, _ in images]
        review.image_ids = [key for _, key in images]
    review.updated_at = utcnow()
    session.flush()
    return with_authors(session, [review])[0], replaced


def delete(session, *, user_id, target_type, review_id):
    """Remove the author's review; returns its stored image ids."""
    review = _own(session, user_id=user_id, target_type=target_type, review_id=review_id, verb="delete")
    _move(_locked_target(session, review), review.target_type, -review.rating, -1)
    keys = list(review.image_ids or [])
    session.delete(review)
    session.flush()
    return keys


def withdraw_all_by(session, user_id):
    """Take an account's reviews off their targets' figures (before the account is deleted)."""
    for review in session.scalars(select(Review).where(Review.user_id == user_id).order_by(Review.id)):
        target = _target(session, review.target_type, review.target_id, lock=True, as_admin=True)
        _move(target, review.target_type, -review.rating, -1)


def for_target(session, *, target_type, target_id, page=1, limit=20, as_admin=False):
    """``(target, page of reviews)``, newest first; 404 when the target is gone or not visible."""
    target = _target(session, target_type, target_id, as_admin=as_admin)
    stmt = (select(Review).where(_column(target_type) == target_id)
            .order_by(Review.created_at.desc(), Review.id.desc()))
    result = page_query(session, stmt, page=page, limit=limit)
    with_authors(session, result.items)
    return target, result


def find(session, *, user_id, target_type, target_id):
    """The user's review of the target, or None."""
    if not (is_object_id(user_id) and is_object_id(target_id)):
        return None
    return session.scalars(select(Review).where(Review.user_id == user_id, _column(target_type) == target_id)).first()


def with_authors(session, reviews):
    ids = {r.user_id for r in reviews}
    authors = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    for review in reviews:
        review.author = authors.get(review.user_id)
    return reviews
