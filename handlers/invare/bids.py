"""Bids: place (then push ``bid_added`` to the listing's topic), list a listing's, read, delete; devices
subscribe to a listing's bid topic."""
import json

from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Money, Uuid
from handlers.invare.orders_out import CompanyRefOut, UserBriefOut
from integrations.push import listing_topic
from models.invare import bids, database
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT
from server.products.invare import push


class BidOut(Schema):
    id = Uuid()
    amount = Money()
    listingId = Uuid(attribute="listing_id")
    listing = fields.Function(lambda bid: {"id": str(bid.listing_id)})
    bidderCompanyId = Uuid(attribute="bidder_company_id")
    bidderCompany = fields.Nested(CompanyRefOut, attribute="bidder_company", allow_none=True)
    bidderUserId = Uuid(attribute="bidder_user_id")
    bidderUser = fields.Nested(UserBriefOut, attribute="bidder_user", allow_none=True)
    createdAt = IsoZ(attribute="created_at")


bid_out = dumper(BidOut())


def place_bid(body, token_info):
    caller = Caller.of(token_info)
    with database.unit_of_work() as uow:
        answer = bid_out(bids.place_bid(uow.session, caller, body))
        uow.commit()
    announce(answer)
    return answer, 201


def announce(bid):
    """``bid_added`` to ``listing_<id>``, as the original pushed it (never fails the request)."""
    summary = {key: bid[key] for key in ("id", "amount", "createdAt", "listingId", "bidderCompanyId", "bidderUserId")}
    push().send_to_topic(listing_topic(bid["listingId"]), title="New bid",
                         body=f"A new bid was placed: {bid['amount']}",
                         data={"type": "bid_added", "listingId": bid["listingId"], "bid": json.dumps(summary)})


def list_for_listing(listingId, page=1, limit=DEFAULT_LIMIT, token_info=None):
    with database.reading() as session:
        found = bids.bids_on(session, listingId, page=page, limit=limit, caller=Caller.optional(token_info))
        return bid_out.many(found), 200


def get_bid(id):
    with database.reading() as session:
        return bid_out(bids.get_bid(session, id)), 200


def delete_bid(id, token_info):
    caller = Caller.of(token_info)
    with database.unit_of_work() as uow:
        bids.delete_bid(uow.session, caller, id)
        uow.commit()
    return {"success": True, "messageKey": "messages.bid_deleted"}, 200


def _topic_change(listingId, body, change):
    with database.reading() as session:
        bids.require_listing(session, listingId)
    result = change([body["deviceToken"]], listing_topic(listingId))
    return {"success": bool(result.ok)}, 200


def subscribe(listingId, body, token_info):
    return _topic_change(listingId, body, push().subscribe)


def unsubscribe(listingId, body, token_info):
    return _topic_change(listingId, body, push().unsubscribe)
