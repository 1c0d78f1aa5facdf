"""Advertisements: a banner image that points at a listing until it expires (the client's shape), or at a
link with a title (the reference's shape); both are stored and both are returned."""
import datetime as dt
import uuid

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Uuid, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models.base import Timestamps, UuidPk, utcnow
from models.errors import NotFound
from models.invare import InvareBase
from models.invare.ids import as_uuid
from models.invare.paging import page_of


class Advertisement(UuidPk, Timestamps, InvareBase):
    __tablename__ = "advertisements"

    title: Mapped[str | None] = mapped_column(String(200))
    image_url: Mapped[str] = mapped_column(String(2048))
    link_url: Mapped[str | None] = mapped_column(String(2048))
    listing_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("listings.id", ondelete="SET NULL"),
                                                         index=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    listing = relationship("Listing", lazy="raise")


AD_NOT_FOUND = "Advertisement not found"
LISTING_NOT_FOUND = "Listing not found"


def _ads():
    return select(Advertisement).options(selectinload(Advertisement.listing))


def create_ad(session, data):
    ad = Advertisement(image_url=data["imageUrl"], is_active=True)
    _apply(session, ad, data)
    session.add(ad)
    session.flush()
    return get_ad(session, ad.id)


def list_ads(session, *, page, limit, active_only=False):
    stmt = _ads().order_by(Advertisement.created_at.desc(), Advertisement.id)
    if active_only:
        stmt = stmt.where(Advertisement.is_active,
                          or_(Advertisement.expires_at.is_(None), Advertisement.expires_at > utcnow()))
    return page_of(session, stmt, page=page, limit=limit)


def get_ad(session, ad_id, *, lock=False):
    stmt = _ads().where(Advertisement.id == as_uuid(ad_id))
    ad = session.scalars(stmt.with_for_update(of=Advertisement) if lock else stmt).first()
    if ad is None:
        raise NotFound(AD_NOT_FOUND)
    return ad


def update_ad(session, ad_id, changes):
    ad = get_ad(session, ad_id, lock=True)
    _apply(session, ad, changes)
    ad.updated_at = utcnow()
    session.flush()
    session.expire(ad)
    return get_ad(session, ad.id)


def toggle_ad(session, ad_id):
    ad = get_ad(session, ad_id, lock=True)
    ad.is_active = not ad.is_active
    ad.updated_at = utcnow()
    session.flush()
    return ad


def delete_ad(session, ad_id):
    session.delete(get_ad(session, ad_id))
    session.flush()


def _apply(session, ad, data):
    from models.invare.listing_service import parse_timestamp
    from models.invare.listings import Listing

    for name, column in (("imageUrl", "image_url"), ("title", "title"), ("linkUrl", "link_url")):
        if name in data:
            setattr(ad, column, data[name])
    for name in ("isActive", "active"):  # the client's name and the reference's
        if name in data:
            ad.is_active = bool(data[name])
    if "expiresAt" in data:
        ad.expires_at = None if data["expiresAt"] is None else parse_timestamp(data["expiresAt"])
    if "listingId" in data:
        listing_id = as_uuid(data["listingId"], field="listingId")
        if listing_id is not None and session.get(Listing, listing_id) is None:
            raise NotFound(LISTING_NOT_FOUND)
        ad.listing_id = listing_id
