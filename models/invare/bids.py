"""Bids on open, biddable listings.

The bidder is a company or a user: ``bidderCompanyId`` (the caller's own company; administrators any),
``bidderUserId`` (the caller; administrators anyone), else the caller's own company, else the caller
(the reference's rule). A bid needs an ``active``, biddable, unexpired listing that is not the bidder's
own, and an amount above zero. The bidder (or an administrator) deletes it. After the commit the
handler pushes ``bid_added`` to the listing's topic (``listing_<id>``).
"""
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Index, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models.base import UuidPk, utcnow
from models.errors import Forbidden, NotFound, RuleViolation
from models.invare import InvareBase
from models.invare.columns import Money, created_at_column
from models.invare.companies import Company
from models.invare.ids import as_uuid
from models.invare.listings import Listing
from models.invare.money import to_money
from models.invare.orders import resolve_side
from models.invare.paging import page_of
from models.invare.users import User

BID_NOT_FOUND = "Bid not found"
LISTING_NOT_FOUND = "Listing not found"


class Bid(UuidPk, InvareBase):
    __tablename__ = "bids"
    __table_args__ = (Index("ix_bids_listing_created", "listing_id", "created_at"),)

    amount: Mapped[Decimal] = mapped_column(Money)
    listing_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("listings.id", ondelete="CASCADE"))
    bidder_company_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("companies.id", ondelete="CASCADE"))
    bidder_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    bidder_party_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = created_at_column()

    bidder_company = relationship(Company, lazy="raise")
    bidder_user = relationship(User, foreign_keys=[bidder_user_id], lazy="raise")


LOADS = (selectinload(Bid.bidder_company), selectinload(Bid.bidder_user))


def _listing(session, listing_id):
    listing = session.get(Listing, as_uuid(listing_id, field="listingId"))
    if listing is None:
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def _aware(moment):
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def place_bid(session, caller, data, *, now=None):
    now = now or utcnow()
    amount = to_money(data["amount"], field="amount")
    if amount <= 0:
        raise RuleViolation("amount must be greater than 0", field="amount")
    listing = _listing(session, data["listingId"])
    if listing.status != "active" or not listing.is_biddable:
        raise RuleViolation("Listing is not open for bidding", field="listingId")
    if listing.expires_at is not None and _aware(listing.expires_at) <= now:
        raise RuleViolation("Listing has expired", field="listingId")
    company, user, party = resolve_side(session, caller, company_id=data.get("bidderCompanyId"),
                                        user_id=data.get("bidderUserId"), company_field="bidderCompanyId",
                                        user_field="bidderUserId")
    own_company = listing.seller_company_id is not None and company is not None and company.id == listing.seller_company_id
    seller_party = (session.get(Company, listing.seller_company_id).owner_id if listing.seller_company_id
                    else listing.seller_user_id)
    if own_company or party == seller_party:
        raise RuleViolation("You cannot bid on your own listing", field="listingId")
    bid = Bid(amount=amount, listing_id=listing.id, bidder_company_id=company.id if company else None,
              bidder_user_id=user.id if user else None, bidder_party_id=party, created_at=now)
    session.add(bid)
    session.flush()
    return get_bid(session, bid.id)


def get_bid(session, bid_id):
    bid = session.scalars(select(Bid).where(Bid.id == as_uuid(bid_id)).options(*LOADS)
                          .execution_options(populate_existing=True)).first()
    if bid is None:
        raise NotFound(BID_NOT_FOUND)
    return bid


def bids_on(session, listing_id, *, page, limit, caller=None):
    """A listing's bids, highest first (ties: earliest first), for whoever may see the listing
    (``caller`` None when signed out)."""
    from models.invare.listing_service import get_visible_listing

    listing = get_visible_listing(session, as_uuid(listing_id, field="listingId"), caller)
    stmt = (select(Bid).where(Bid.listing_id == listing.id).options(*LOADS)
            .order_by(Bid.amount.desc(), Bid.created_at, Bid.id))
    return page_of(session, stmt, page=page, limit=limit)


def delete_bid(session, caller, bid_id):
    bid = get_bid(session, bid_id)
    if not (caller.is_admin or caller.is_self(bid.bidder_party_id)):
        raise Forbidden("You can only delete your own bids")
    session.delete(bid)
    session.flush()


def require_listing(session, listing_id):
    return _listing(session, listing_id)
