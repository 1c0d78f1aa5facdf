"""Carrier profiles: one per carrier user (``isCarrier``), with prices, the vehicle, the licence and
whether the carrier takes work now (``isAvailable``; only available carriers may offer on tenders)."""
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Uuid, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk
from models.errors import Conflict, Forbidden, NotFound
from models.invare import InvareBase
from models.invare.paging import page_of
from models.invare.users import User

PROFILE_NOT_FOUND = "Carrier profile not found"
CARRIERS_ONLY = "Only carriers can have a carrier profile"
FIELDS = {"pricePerTon": "price_per_ton", "pricePerKm": "price_per_km", "currency": "currency",
          "vehicleType": "vehicle_type", "vehicleBrand": "vehicle_brand", "vehicleModel": "vehicle_model",
          "vehicleYear": "vehicle_year", "vehiclePlateNumber": "vehicle_plate_number",
          "vehicleCapacityTons": "vehicle_capacity_tons", "vehicleDescription": "vehicle_description",
          "licenseNumber": "license_number", "licenseExpiryDate": "license_expiry_date", "isAvailable": "is_available"}


class CarrierProfile(UuidPk, Timestamps, InvareBase):
    __tablename__ = "carrier_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    price_per_ton: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    price_per_km: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="SAR")
    vehicle_type: Mapped[str | None] = mapped_column(String(100))
    vehicle_brand: Mapped[str | None] = mapped_column(String(100))
    vehicle_model: Mapped[str | None] = mapped_column(String(100))
    vehicle_year: Mapped[int | None] = mapped_column(Integer)
    vehicle_plate_number: Mapped[str | None] = mapped_column(String(50))
    vehicle_capacity_tons: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    vehicle_description: Mapped[str | None] = mapped_column(String(1000))
    license_number: Mapped[str | None] = mapped_column(String(100))
    license_expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    is_available: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    user = relationship(User, lazy="joined")


def _apply(profile, data):
    for key, column in FIELDS.items():
        if key in data:
            value = data[key]
            if column in ("price_per_ton", "price_per_km", "vehicle_capacity_tons") and value is not None:
                value = Decimal(str(value)).quantize(Decimal("0.01"))
            if column == "license_expiry_date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            setattr(profile, column, value)


def create_profile(session, caller, data):
    if not caller.is_carrier:
        raise Forbidden(CARRIERS_ONLY)
    if session.scalars(select(CarrierProfile.id).where(CarrierProfile.user_id == caller.id)).first():
        raise Conflict("Carrier profile already exists")
    profile = CarrierProfile(user_id=caller.id, currency="SAR", is_available=True)
    _apply(profile, data)
    session.add(profile)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("Carrier profile already exists") from None
    session.refresh(profile)
    return profile


def profile_of(session, user_id, *, lock=False):
    stmt = select(CarrierProfile).where(CarrierProfile.user_id == user_id)
    profile = session.scalars(stmt.with_for_update(of=CarrierProfile) if lock else stmt).first()
    if profile is None:
        raise NotFound(PROFILE_NOT_FOUND)
    return profile


def update_mine(session, caller, data):
    if not caller.is_carrier:
        raise Forbidden(CARRIERS_ONLY)
    profile = profile_of(session, caller.id, lock=True)
    _apply(profile, data)
    session.flush()
    session.refresh(profile)
    return profile


def delete_mine(session, caller):
    if not caller.is_carrier:
        raise Forbidden(CARRIERS_ONLY)
    session.delete(profile_of(session, caller.id, lock=True))
    session.flush()


def list_profiles(session, *, page, limit, available_only=False):
    stmt = select(CarrierProfile).join(User, User.id == CarrierProfile.user_id).order_by(
        CarrierProfile.created_at.desc(), CarrierProfile.id)
    if available_only:
        stmt = stmt.where(CarrierProfile.is_available.is_(True), User.is_carrier.is_(True),
                          User.account_status == "active")
    return page_of(session, stmt, page=page, limit=limit)


def is_available_carrier(session, user_id):
    """Whether ``user_id`` is a carrier with an available profile (who may offer on tenders)."""
    row = session.execute(select(CarrierProfile.is_available, User.is_carrier).join(
        User, User.id == CarrierProfile.user_id).where(CarrierProfile.user_id == user_id)).first()
    return bool(row and row[0] and row[1])
