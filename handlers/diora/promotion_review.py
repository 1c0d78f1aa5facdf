"""Administrators deciding promotion requests (``/admin/promotion-requests``)."""
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.admin import promotion_request
from models.diora import database, promotions


def list_requests(user, status="pending", page=1, limit=10):
    with database.reading() as session:
        found, requesters = promotions.list_requests(session, status=status, page=page, limit=limit)
        requests = [promotion_request(r, requesters[r.user_id]) for r in found.items]
    paging = {**pagination(found), "current": found.page, "count": len(requests), "totalCount": found.total}
    return ok(requests=requests, pagination=paging), 200


def decide(requestId, body, user):
    with database.unit_of_work() as uow:
        request, requester, note = promotions.decide(uow.session, request_id=requestId, admin_id=user, action=body["action"],
                                          comments=body.get("comments"))
        shown, events = promotion_request(request, requester), dump_notifications([note])
        uow.commit()
    publish_notifications(events)
    verb = "approved" if request.status == "approved" else "rejected"
    return ok(f"Promotion request {verb} successfully", request=shown), 200
