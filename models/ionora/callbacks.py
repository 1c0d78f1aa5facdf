"""Callback requests from the storefront's "Request a callback" form (anyone; a signed-in visitor's
request is linked to the account), and the administrators' list of them."""
from sqlalchemy import select

from models.ionora.entities import CallbackRequest
from models.ionora.users import BLANK, as_uuid
from models.paging import page_query


def request_callback(session, *, name, phone, state, user_id=None):
    request = CallbackRequest(user_id=as_uuid(user_id) if user_id else None, name=name.strip(BLANK),
                              phone=phone.strip(BLANK), state=state.strip(BLANK))
    session.add(request)
    session.flush()
    return request


def list_requests(session, *, page, limit):
    """Newest first."""
    stmt = select(CallbackRequest).order_by(CallbackRequest.created_at.desc(), CallbackRequest.id)
    return page_query(session, stmt, page=page, limit=limit)
