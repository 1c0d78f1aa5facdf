"""Addresses: a company's (managed by its owner) and a user's own. Administrators manage all.

At most one address per company (and per user) is the default: saving one with ``isDefault`` takes the
mark from the others, in the same transaction, with the company's (or user's) row locked so that two
concurrent saves cannot both keep it (a partial unique index backs this up). Removing the default
address leaves none marked. Anyone else's addresses are 403, never data.
"""
import uuid

from sqlalchemy import Boolean, ForeignKey, Index, String, Uuid, select, text, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk
from models.errors import Forbidden, NotFound
from models.invare import InvareBase
from models.invare.companies import manageable_company
from models.invare.countries import Country, require_country
from models.invare.ids import as_uuid
from models.invare.paging import page_of

ADDRESS_NOT_FOUND = "Address not found"
OWN_ADDRESSES_ONLY = "You can only manage your own addresses"
ONLY_DEFAULT = text("is_default")


class _Address(UuidPk, Timestamps):
    street: Mapped[str] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(32))
    country_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("countries.id", ondelete="SET NULL"))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class CompanyAddress(_Address, InvareBase):
    __tablename__ = "company_addresses"
    __table_args__ = (
        Index("ix_company_addresses_company_id_created_at", "company_id", "created_at"),
        Index("uq_company_addresses_one_default", "company_id", unique=True,
              sqlite_where=ONLY_DEFAULT, postgresql_where=ONLY_DEFAULT),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("companies.id", ondelete="CASCADE"))
    state: Mapped[str | None] = mapped_column(String(100))

    country: Mapped[Country | None] = relationship(lazy="joined")


class UserAddress(_Address, InvareBase):
    __tablename__ = "user_addresses"
    __table_args__ = (
        Index("ix_user_addresses_user_id_created_at", "user_id", "created_at"),
        Index("uq_user_addresses_one_default", "user_id", unique=True,
              sqlite_where=ONLY_DEFAULT, postgresql_where=ONLY_DEFAULT),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))

    country: Mapped[Country | None] = relationship(lazy="joined")


def _add(session, model, owner_column, owner_id, data, extra=None):
    """A new address for the (already locked) owner; a default one takes the mark from the others."""
    is_default = bool(data.get("isDefault", False))
    if is_default:
        session.execute(update(model).where(owner_column == owner_id, model.is_default.is_(True))
                        .values(is_default=False))
    address = model(street=data["street"], city=data["city"], postal_code=data["postalCode"],
                    country_id=require_country(session, data.get("countryId")), is_default=is_default, **(extra or {}))
    setattr(address, owner_column.key, owner_id)
    session.add(address)
    session.flush()
    session.refresh(address, ["country"])
    return address


def _listed(session, model, owner_column, owner_id, page, limit):
    stmt = (select(model).where(owner_column == owner_id)
            .order_by(model.is_default.desc(), model.created_at.desc(), model.id))
    return page_of(session, stmt, page=page, limit=limit)


# -- company addresses --------------------------------------------------------------------------------

def add_company_address(session, *, caller, data):
    company = manageable_company(session, caller=caller, company_id=data["companyId"], lock=True, field="companyId")
    return _add(session, CompanyAddress, CompanyAddress.company_id, company.id, data,
                extra={"state": data.get("state") or None})


def list_company_addresses(session, *, caller, company_id, page, limit):
    company = manageable_company(session, caller=caller, company_id=company_id)
    return _listed(session, CompanyAddress, CompanyAddress.company_id, company.id, page, limit)


def delete_company_address(session, *, caller, address_id):
    address = _get(session, CompanyAddress, address_id)
    manageable_company(session, caller=caller, company_id=address.company_id, lock=True)
    session.delete(address)
    session.flush()


# -- user addresses -----------------------------------------------------------------------------------

def add_user_address(session, *, caller, data):
    """An address for ``userId`` (the caller when left out): the user themself or an administrator."""
    from models.invare import users

    user_id = as_uuid(data.get("userId"), field="userId") or caller.id
    caller.require_self_or_admin(user_id, OWN_ADDRESSES_ONLY)
    user = users.get_open_user(session, user_id, lock=True)
    return _add(session, UserAddress, UserAddress.user_id, user.id, data)


def list_user_addresses(session, *, caller, user_id, page, limit):
    from models.invare import users

    caller.require_self_or_admin(user_id, OWN_ADDRESSES_ONLY)
    user = users.get_open_user(session, user_id)
    return _listed(session, UserAddress, UserAddress.user_id, user.id, page, limit)


def delete_user_address(session, *, caller, address_id):
    address = _get(session, UserAddress, address_id)
    if not (caller.is_admin or caller.is_self(address.user_id)):
        raise Forbidden(OWN_ADDRESSES_ONLY)
    session.delete(address)
    session.flush()


def _get(session, model, address_id):
    address = session.scalars(select(model).where(model.id == as_uuid(address_id))
                              .with_for_update(of=model)).first()
    if address is None:
        raise NotFound(ADDRESS_NOT_FOUND)
    return address
