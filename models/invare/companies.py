"""Companies: a user owns companies (``owner``); listings, bids and orders may be a company's.

The table is here because registration creates a company with its owner; the companies area adds its
operations (CRUD, ``/companies/me``, addresses) to this module.
"""
import uuid

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk
from models.invare import InvareBase
from models.invare.columns import checked_enum
from models.invare.countries import Country, require_country

VERIFICATION_STATUSES = ("pending", "verified", "rejected")


class Company(UuidPk, Timestamps, InvareBase):
    __tablename__ = "companies"

    company_name: Mapped[str] = mapped_column(String(200))
    vat_number: Mapped[str | None] = mapped_column(String(64))
    website: Mapped[str | None] = mapped_column(String(2048))
    verification_status: Mapped[str] = mapped_column(
        checked_enum(VERIFICATION_STATUSES, "verification_status", 16), default="pending", server_default="pending",
        index=True)
    country_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("countries.id", ondelete="SET NULL"),
                                                         index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)

    country: Mapped[Country | None] = relationship(lazy="joined")
    owner = relationship("User", lazy="joined")


def create_company(session, *, owner, data, verified=False, country_field="countryId"):
    """A company owned by ``owner`` from request fields ``companyName``, ``vatNumber``, ``website`` and
    ``country_field``; ``verified`` for companies an administrator creates (else ``pending``)."""
    country_id = require_country(session, data.get(country_field), field=country_field)
    company = Company(company_name=data["companyName"].strip(), vat_number=data.get("vatNumber"),
                      website=data.get("website"), country_id=country_id, owner=owner,
                      verification_status="verified" if verified else data.get("verificationStatus", "pending"))
    session.add(company)
    session.flush()
    session.refresh(company, ["country"])
    return company
