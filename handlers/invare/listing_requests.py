"""Listing update requests: proposed by anyone signed in, decided by the listing's seller."""
from handlers.invare.catalog_out import request_out
from models.invare import database, listing_requests
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


def create_request(body, token_info):
    with database.unit_of_work() as uow:
        answer = request_out(listing_requests.create_request(uow.session, caller=Caller.of(token_info), data=body))
        uow.commit()
    return answer, 201


def seller_requests(token_info, page=1, limit=DEFAULT_LIMIT, status=None):
    with database.reading() as session:
        found = listing_requests.seller_requests(session, caller=Caller.of(token_info), page=page, limit=limit,
                                                 status=status)
        return [request_out(r) for r in found], 200


def listing_requests_of(listingId, token_info, page=1, limit=DEFAULT_LIMIT, status=None):
    with database.reading() as session:
        found = listing_requests.listing_requests(session, caller=Caller.of(token_info), listing_id=listingId,
                                                  page=page, limit=limit, status=status)
        return [request_out(r) for r in found], 200


def approve(requestId, token_info, body=None):
    return _decide(requestId, token_info, True, None)


def reject(requestId, token_info, body=None):
    return _decide(requestId, token_info, False, (body or {}).get("reason"))


def _decide(request_id, token_info, approve_it, reason):
    with database.unit_of_work() as uow:
        request = listing_requests.decide(uow.session, caller=Caller.of(token_info), request_id=request_id,
                                          approve=approve_it, reason=reason)
        answer = request_out(request)
        uow.commit()
    return answer, 200
