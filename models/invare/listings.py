"""Listings: what a seller (a company, a user, or both as the client sends) offers, with photos,
attributes, translations (``title``, ``description``, ``unitOfMeasure``) and update requests.

Tables here; the operations live in ``listing_*`` modules beside this one.
"""
import datetime as dt
import uuid

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk
from models.invare import InvareBase
from models.invare.columns import Json, Money, checked_enum

UNITS = ("ton", "liter", "piece")
STATUSES = ("active", "draft", "pending", "expired", "closed", "cancelled")
CONDITIONS = ("first_grade", "second_grade", "third_grade")
COLORS = {"black": "#000000", "blue": "#dbeafe", "green": "#dcfce7", "orange": "#ffedd4",
          "purple": "#f3e8ff", "red": "#ffe2e2", "white": "#f5f5f5", "yellow": "#fef9c2"}
MATERIAL_STATES = ("chemicals", "crushed", "dehydrated_less_than_20", "dehydrated_less_than_50", "hot_water",
                   "loos", "mixed", "pressed_bundle", "roll", "water")
REQUEST_STATUSES = ("pending", "approved", "rejected", "cancelled")
LISTING_FIELDS = ("title", "description", "unitOfMeasure")


class Listing(UuidPk, Timestamps, InvareBase):
    __tablename__ = "listings"
    __table_args__ = (
        Index("ix_listings_status_created_at", "status", "created_at"),
        Index("ix_listings_material_id_created_at", "material_id", "created_at"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    unit_of_measure: Mapped[str] = mapped_column(checked_enum(UNITS, "listing_unit", 16))
    starting_price: Mapped[object] = mapped_column(Money)
    stock_amount: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(checked_enum(STATUSES, "listing_status", 16), default="draft")
    condition: Mapped[str | None] = mapped_column(checked_enum(CONDITIONS, "listing_condition", 16))
    material_color: Mapped[str | None] = mapped_column(checked_enum(tuple(COLORS), "listing_color", 16),
                                                       index=True)
    materials_states: Mapped[list] = mapped_column(Json, default=list)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    is_biddable: Mapped[bool] = mapped_column(Boolean, default=False)
    material_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("materials.id", ondelete="RESTRICT"))
    seller_company_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    seller_user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    i18n: Mapped[dict] = mapped_column(Json, default=dict)

    material = relationship("Material", lazy="raise")
    seller = relationship("Company", lazy="raise")
    seller_user = relationship("User", lazy="raise")
    photos: Mapped[list["ListingPhoto"]] = relationship(
        back_populates="listing", lazy="raise", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(ListingPhoto.sort_order, ListingPhoto.created_at)")
    attributes: Mapped[list["ListingAttribute"]] = relationship(
        back_populates="listing", lazy="raise", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ListingAttribute.created_at")


class ListingPhoto(UuidPk, Timestamps, InvareBase):
    __tablename__ = "listing_photos"

    listing_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    listing: Mapped[Listing] = relationship(back_populates="photos", lazy="raise")


class ListingAttribute(UuidPk, Timestamps, InvareBase):
    __tablename__ = "listing_attributes"

    listing_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    attr_key: Mapped[str] = mapped_column(String(100))
    attr_value: Mapped[str] = mapped_column(String(500))

    listing: Mapped[Listing] = relationship(back_populates="attributes", lazy="raise")


class ListingUpdateRequest(UuidPk, Timestamps, InvareBase):
    __tablename__ = "listing_update_requests"
    __table_args__ = (Index("ix_listing_update_requests_listing_id_status", "listing_id", "status"),)

    listing_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("listings.id", ondelete="CASCADE"))
    requested_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"),
                                                       index=True)
    payload: Mapped[dict] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(checked_enum(REQUEST_STATUSES, "update_request_status", 16),
                                        default="pending")
    reason: Mapped[str | None] = mapped_column(String(1000))

    listing: Mapped[Listing] = relationship(lazy="raise")
    requested_by = relationship("User", lazy="raise")
