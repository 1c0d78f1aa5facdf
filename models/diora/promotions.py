"""Promotion requests: a regular user asks to become a shop, with proof documents; administrators decide
(the administration area's operations). Documents are stored by the caller before the transaction."""
from sqlalchemy import select

from models.base import utcnow
from models.diora import notifications, users
from models.diora.tables.promotions import PromotionRequest
from models.diora.tables.users import User, default_onboarding, default_shop_profile
from models.errors import Conflict, Forbidden, NotFound, RuleViolation
from models.ids import is_object_id
from models.paging import page_query

MAX_DOCUMENTS = 5


def submit(session, *, user_id, fields, documents):
    """A pending request from ``user_id`` (a regular user without another pending request) holding
    ``documents`` (``[{filename, originalName, path, mimetype, size}]``, 1 to 5). Every administrator
    gets a ``system`` notification. Returns ``(request, notifications)``."""
    if not documents:
        raise RuleViolation("At least one proof document is required", field="proofDocuments")
    if len(documents) > MAX_DOCUMENTS:
        raise RuleViolation(f"At most {MAX_DOCUMENTS} proof documents are allowed", field="proofDocuments")
    user = users.get_user(session, user_id, lock=True)  # one pending request per user: decided under this lock
    if user.type != "user":
        raise Forbidden("Only regular users can request promotion", code="AUTH_002")
    pending = session.scalar(select(PromotionRequest.id).where(PromotionRequest.user_id == user_id,
                                                               PromotionRequest.status == "pending"))
    if pending is not None:
        raise Conflict("You already have a pending promotion request")
    request = PromotionRequest(
        user_id=user_id, business_name=fields["businessName"].strip(),
        business_description=fields["businessDescription"].strip(), business_type=fields["businessType"].strip(),
        years_in_business=fields.get("yearsInBusiness", ""), expected_products=fields.get("expectedProducts", ""),
        additional_info=fields.get("additionalInfo", ""), proof_documents=list(documents), status="pending")
    session.add(request)
    session.flush()
    sent = []
    for admin_id in session.scalars(select(User.id).where(User.type == "admin", User.status == "active")):
        note = notifications.notify(
            session, recipient_id=admin_id, type="system", title="New Shop Promotion Request",
            message=f"{user.full_name} has requested promotion to shop owner", actor_id=user_id,
            data={"requestId": request.id, "userId": user_id}, action_url="/admin/promotion-requests")
        if note is not None:
            sent.append(note)
    return request, sent


def list_requests(session, *, status="pending", page=1, limit=10):
    """Requests with ``status`` (``all``: every one), oldest first for pending ones (the queue), newest
    first otherwise. Returns ``(page, {user id: requester})`` (the requesters in one query)."""
    stmt = select(PromotionRequest)
    if status != "all":
        stmt = stmt.where(PromotionRequest.status == status)
    order = ((PromotionRequest.submitted_at, PromotionRequest.id) if status == "pending"
             else (PromotionRequest.submitted_at.desc(), PromotionRequest.id.desc()))
    found = page_query(session, stmt.order_by(*order), page=page, limit=limit)
    ids = {request.user_id for request in found.items}
    requesters = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return found, requesters


APPROVED = ("Shop Promotion Approved! 🎉",
            'Congratulations! Your shop "{name}" has been approved. You can now start listing products.')
REJECTED = ("Shop Promotion Request Update",
            "Your shop promotion request has been reviewed. Please check the details and feel free to reapply "
            "if needed.")


def decide(session, *, request_id, admin_id, action, comments=None, now=None):
    """Approve or reject a pending request (409 once it was decided). Approving makes the requester a
    shop: ``fullName`` becomes the business name, ``bio`` its description, the shop profile starts
    afresh (contact email, business type, years and expected products copied) and the shop onboarding
    starts at step 0. The requester gets a ``system`` notification either way.
    Returns ``(request, requester, notification)``."""
    request = None
    if is_object_id(request_id):
        request = session.scalars(select(PromotionRequest).where(PromotionRequest.id == request_id)
                                  .with_for_update()).first()
    if request is None:
        raise NotFound("Promotion request not found")
    if request.status != "pending":
        raise Conflict("This request has already been processed")
    user = users.get_user(session, request.user_id, lock=True)
    if action == "approve" and user.type != "user":
        raise Conflict("The account is no longer a regular user")
    request.status = "approved" if action == "approve" else "rejected"
    request.reviewed_at, request.reviewed_by, request.review_comments = now or utcnow(), admin_id, comments
    if action == "approve":
        user.type = "shop"
        user.full_name = request.business_name
        user.bio = request.business_description
        user.shop_profile = {**default_shop_profile(), "contactEmail": user.email,
                             "businessType": request.business_type, "yearsInBusiness": request.years_in_business,
                             "expectedProducts": request.expected_products}
        user.shop_categories, user.location = "", ""
        user.onboarding = {**(user.onboarding or default_onboarding()), "isComplete": False, "step": 0,
                           "completedAt": None}
        title, message = APPROVED[0], APPROVED[1].format(name=request.business_name)
    else:
        title, message = REJECTED
    note = notifications.notify(
        session, recipient_id=user.id, type="system", title=title, message=message, actor_id=admin_id,
        data={"requestId": request.id, "status": request.status, "comments": comments}, force=True)
    return request, user, note
