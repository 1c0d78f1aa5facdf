"""Advertisements: a banner image that points at a listing until it expires (the client's shape), or at a
link with a title (the reference's shape); both are stored and both are returned."""
import datetime as dt
import uuid

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk
from models.invare import InvareBase


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
