"""Update requests: anyone signed in proposes changes to a listing; its seller approves (the changes are
applied) or rejects them (with a reason). The seller sees every request for their listings; anyone
else only the requests they made."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models.errors import Conflict, NotFound
from models.invare.companies import Company
from models.invare.ids import as_uuid
from models.invare.listing_service import apply_changes, get_listing, is_seller, require_seller
from models.invare.listings import Listing, ListingUpdateRequest
from models.invare.money import money_str, to_money
from models.invare.paging import page_of

REQUEST_NOT_FOUND = "Update request not found"
NOT_PENDING = "Update request is not pending"
SELLER_ONLY = "Only the listing seller can approve or reject update requests"


def _requests():
    return (select(ListingUpdateRequest)
            .options(selectinload(ListingUpdateRequest.listing), selectinload(ListingUpdateRequest.requested_by))
            .order_by(ListingUpdateRequest.created_at.desc(), ListingUpdateRequest.id))


def create_request(session, *, caller, data):
    listing = get_listing(session, data["listingId"])
    payload = {k: v for k, v in data.items() if k != "listingId"}
    if "startingPrice" in payload:  # refused now rather than when the seller approves
        payload["startingPrice"] = money_str(to_money(payload["startingPrice"], field="startingPrice"))
    request = ListingUpdateRequest(listing_id=listing.id, requested_by_id=caller.id, payload=payload, status="pending")
    session.add(request)
    session.flush()
    return _get(session, request.id)


def seller_requests(session, *, caller, page, limit, status=None):
    owned = select(Company.id).where(Company.owner_id == caller.id)
    mine = select(Listing.id).where((Listing.seller_user_id == caller.id) | Listing.seller_company_id.in_(owned))
    stmt = _requests().where(ListingUpdateRequest.listing_id.in_(mine))
    if status is not None:
        stmt = stmt.where(ListingUpdateRequest.status == status)
    return page_of(session, stmt, page=page, limit=limit)


def listing_requests(session, *, caller, listing_id, page, limit, status=None):
    listing = get_listing(session, listing_id)
    stmt = _requests().where(ListingUpdateRequest.listing_id == listing.id)
    if not is_seller(session, listing, caller):
        stmt = stmt.where(ListingUpdateRequest.requested_by_id == caller.id)
    if status is not None:
        stmt = stmt.where(ListingUpdateRequest.status == status)
    return page_of(session, stmt, page=page, limit=limit)


def decide(session, *, caller, request_id, approve, reason=None):
    request = session.scalars(select(ListingUpdateRequest).where(ListingUpdateRequest.id == as_uuid(request_id))
                              .with_for_update(of=ListingUpdateRequest)).first()
    if request is None:
        raise NotFound(REQUEST_NOT_FOUND)
    listing = get_listing(session, request.listing_id, lock=True)
    require_seller(session, listing, caller, admin=False, message=SELLER_ONLY)
    if request.status != "pending":
        raise Conflict(NOT_PENDING)
    if approve:
        apply_changes(session, listing, request.payload)
        request.status = "approved"
    else:
        request.status = "rejected"
        request.reason = reason
    session.flush()
    return _get(session, request.id)


def _get(session, request_id):
    session.expire_all()
    return session.scalars(_requests().where(ListingUpdateRequest.id == request_id)).one()
