"""Promotion requests: a regular user asks to become a shop, with proof documents; administrators decide
(the administration area's operations). Documents are stored by the caller before the transaction."""
from sqlalchemy import select

from models.diora import notifications, users
from models.diora.tables.promotions import PromotionRequest
from models.diora.tables.users import User
from models.errors import Conflict, Forbidden, RuleViolation

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
