"""Companies: a user owns companies (``owner``); listings, bids and orders may be a company's.

A user creates companies they own (``pending`` until an administrator verifies them); administrators
create, verify, change and remove any. Nobody else sees or changes a company (403). Other areas ask
:func:`owned_companies` (a user's companies, oldest first: "the caller's company" is the first) and
:func:`manageable_company` (a company the caller owns or, as an administrator, any).
"""
import uuid

from sqlalchemy import ForeignKey, Index, String, Uuid, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Conflict, Forbidden, NotFound
from models.invare import InvareBase
from models.invare.columns import checked_enum
from models.invare.countries import Country, require_country
from models.invare.ids import as_uuid
from models.invare.paging import page_of

VERIFICATION_STATUSES = ("pending", "verified", "rejected")
COMPANY_NOT_FOUND = "Company not found"
OWN_COMPANIES_ONLY = "You can only manage your own companies"
ADMIN_STATUS_ONLY = "Only administrators can set verificationStatus or ownerId"
COMPANY_IN_USE = "Company has listings, bids or orders and cannot be deleted"
# request field -> column, for the fields a change may set
FIELDS = {"companyName": "company_name", "vatNumber": "vat_number", "website": "website",
          "countryId": "country_id", "verificationStatus": "verification_status", "ownerId": "owner_id"}


class Company(UuidPk, Timestamps, InvareBase):
    __tablename__ = "companies"
    __table_args__ = (Index("ix_companies_created_at", "created_at"),)

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


def add_company(session, *, caller, data):
    """``POST /companies``: the caller's new company (``pending``). Administrators may name another
    ``ownerId`` and set ``verificationStatus`` (their companies are ``verified`` unless they say otherwise);
    anyone else asking for a status other than ``pending`` or another owner is refused."""
    from models.invare import users

    if not caller.is_admin and (data.get("verificationStatus", "pending") != "pending"
                                or data.get("ownerId") not in (None, str(caller.id))):
        raise Forbidden(ADMIN_STATUS_ONLY)
    owner = users.get_open_user(session, data.get("ownerId") or caller.id)
    if caller.is_admin:
        data = {"verificationStatus": "verified", **data}
    return create_company(session, owner=owner, data=data)


def create_company_and_owner(session, *, data):
    """An administrator's new account (``userCountryId``) with a ``verified`` company (``companyCountryId``)."""
    from models.invare import users

    user = users.create_user(session, data={**{k: v for k, v in data.items() if k in users.PROFILE_FIELDS},
                                            "countryId": data.get("userCountryId")})
    company = create_company(session, owner=user, data=data, verified=True, country_field="companyCountryId")
    return user, company


def get_company(session, company_id, *, lock=False):
    stmt = select(Company).where(Company.id == as_uuid(company_id))
    company = session.scalars(stmt.with_for_update(of=Company) if lock else stmt).first()
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND)
    return company


def manageable_company(session, *, caller, company_id, lock=False, field=None):
    """The company, when the caller owns it or is an administrator; 404 / 403 otherwise."""
    stmt = select(Company).where(Company.id == as_uuid(company_id, field=field or "id"))
    company = session.scalars(stmt.with_for_update(of=Company) if lock else stmt).first()
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND, field=field)
    if not (caller.is_admin or company.owner_id == caller.id):
        raise Forbidden(OWN_COMPANIES_ONLY)
    return company


def owned_companies(session, user_id, *, page=1, limit=None):
    """The companies ``user_id`` owns, oldest first (all of them without ``limit``)."""
    stmt = select(Company).where(Company.owner_id == as_uuid(user_id)).order_by(Company.created_at, Company.id)
    if limit is None:
        return list(session.scalars(stmt).unique())
    return page_of(session, stmt, page=page, limit=limit)


def list_companies(session, *, caller, page, limit, search=None, verification_status=None):
    """Newest first; administrators see every company, anyone else only those they own."""
    stmt = select(Company).order_by(Company.created_at.desc(), Company.id)
    if not caller.is_admin:
        stmt = stmt.where(Company.owner_id == caller.id)
    if search:
        stmt = stmt.where(func.lower(Company.company_name).like(f"%{_escaped(search.strip().lower())}%", escape="\\"))
    if verification_status:
        stmt = stmt.where(Company.verification_status == verification_status)
    return page_of(session, stmt, page=page, limit=limit)


def update_company(session, *, caller, company_id, changes):
    """Change the fields sent: the owner or an administrator; ``verificationStatus`` and ``ownerId`` only
    administrators."""
    from models.invare import users

    if not caller.is_admin and ({"verificationStatus", "ownerId"} & set(changes)):
        # the owner may not verify their own company nor give it away; say so before looking it up
        manageable_company(session, caller=caller, company_id=company_id)
        raise Forbidden(ADMIN_STATUS_ONLY)
    company = manageable_company(session, caller=caller, company_id=company_id, lock=True)
    values = {FIELDS[k]: v for k, v in changes.items() if k in FIELDS}
    if "company_name" in values:
        values["company_name"] = values["company_name"].strip()
    if "country_id" in values:
        values["country_id"] = require_country(session, values["country_id"])
    if "owner_id" in values:
        values["owner_id"] = users.get_open_user(session, values["owner_id"]).id
    for column, value in values.items():
        setattr(company, column, value)
    company.updated_at = utcnow()
    session.flush()
    session.refresh(company, ["country", "owner"])
    return company


def delete_company(session, *, caller, company_id):
    """Remove a company with its addresses: the owner or an administrator; 409 while listings, bids or
    orders still name it."""
    company = manageable_company(session, caller=caller, company_id=company_id, lock=True)
    try:
        with session.begin_nested():
            session.delete(company)
            session.flush()
    except IntegrityError:
        raise Conflict(COMPANY_IN_USE) from None


def _escaped(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
