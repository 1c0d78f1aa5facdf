"""Listings: creating (with photos, attributes and translations), reading, changing and deleting them.

Sellers: a listing belongs to a user (``sellerUserId``), a company (``sellerCompanyId``), or both, as
the web client sends both when the user has a company. Its seller (that user, the company's owner) or an
administrator changes it. Status on create (the reference): with only ``sellerUserId`` it is ``active``
when that user is an administrator and ``draft`` otherwise; with ``sellerCompanyId`` the given status is
kept (``draft`` when none is given).
"""
import datetime as dt

from sqlalchemy import or_, select, true
from sqlalchemy.orm import selectinload

from models.base import utcnow
from models.errors import Forbidden, InvalidInput, NotFound
from models.invare.companies import Company
from models.invare.i18n import clean_translations, merge_translations
from models.invare.ids import as_uuid
from models.invare.listings import LISTING_FIELDS, Listing, ListingAttribute, ListingPhoto
from models.invare.materials import Material, favorers_of, get_material
from models.invare.money import to_money
from models.invare.notifications import record_notification
from models.invare.paging import page_of
from models.invare.users import User

LISTING_NOT_FOUND = "Listing not found"
COMPANY_NOT_FOUND = "Company not found"
USER_NOT_FOUND = "User not found"
NOT_YOUR_LISTING = "You can only manage your own listings"
NOT_YOUR_COMPANY = "You can only sell for your own company"
NOT_YOURSELF = "You can only sell as yourself"
NEW_LISTING_TITLE = "New listing for your favorite material"
PUBLIC_STATUSES = ("active", "expired", "closed")
"""The listings anyone may see: published ones, live or ended. A ``draft``, ``pending`` or ``cancelled``
listing is seen only by its seller side (its seller user, the owner of its seller company) and
administrators; to everyone else it does not exist (404 ``Listing not found``)."""

# request field -> column, for the plain fields create and update set
PLAIN_FIELDS = {"title": "title", "description": "description", "unitOfMeasure": "unit_of_measure",
                "stockAmount": "stock_amount", "status": "status", "condition": "condition",
                "materialColor": "material_color", "materials_states": "materials_states",
                "expiresAt": "expires_at", "isBiddable": "is_biddable"}


def loaded():
    """A listing with everything its dump shows, in a fixed number of queries."""
    return select(Listing).options(
        selectinload(Listing.material).selectinload(Material.category), selectinload(Listing.seller),
        selectinload(Listing.seller_user), selectinload(Listing.photos), selectinload(Listing.attributes))


def get_listing(session, listing_id, *, lock=False):
    stmt = loaded().where(Listing.id == as_uuid(listing_id, field="id"))
    listing = session.scalars(stmt.with_for_update(of=Listing) if lock else stmt).first()
    if listing is None:
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def visible_to(caller):
    """The condition on ``Listing`` for what ``caller`` (None when signed out) may see."""
    if caller is not None and caller.is_admin:
        return true()
    public = Listing.status.in_(PUBLIC_STATUSES)
    if caller is None:
        return public
    return or_(public, Listing.seller_user_id == caller.id,
               Listing.seller_company_id.in_(select(Company.id).where(Company.owner_id == caller.id)))


def can_see(session, listing, caller):
    return (listing.status in PUBLIC_STATUSES
            or (caller is not None and (caller.is_admin or is_seller(session, listing, caller))))


def get_visible_listing(session, listing_id, caller):
    """The listing when ``caller`` may see it (:data:`PUBLIC_STATUSES`), else 404 ``Listing not found``."""
    listing = get_listing(session, listing_id)
    if not can_see(session, listing, caller):
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def is_seller(session, listing, caller):
    if listing.seller_user_id == caller.id:
        return True
    if listing.seller_company_id is None:
        return False
    owner = session.scalar(select(Company.owner_id).where(Company.id == listing.seller_company_id))
    return owner == caller.id


def require_seller(session, listing, caller, *, admin=True, message=NOT_YOUR_LISTING):
    if not ((admin and caller.is_admin) or is_seller(session, listing, caller)):
        raise Forbidden(message)


def create_listing(session, *, caller, data):
    material = get_material(session, data["materialId"])
    company = _seller_company(session, caller, data.get("sellerCompanyId"))
    seller_user = _seller_user(session, caller, data.get("sellerUserId"))
    if company is None and seller_user is None:
        seller_user = session.get(User, caller.id)
    if company is not None:
        status = data.get("status", "draft")
    else:
        status = "active" if seller_user.is_admin else "draft"
    listing = Listing(material_id=material.id, seller_company_id=company.id if company else None,
                      seller_user_id=seller_user.id if seller_user else None,
                      starting_price=to_money(data["startingPrice"], field="startingPrice"),
                      i18n=clean_translations(data.get("i18n"), LISTING_FIELDS), materials_states=[])
    _set_fields(listing, {**data, "status": status})
    listing.photos = [ListingPhoto(url=p["url"], is_primary=bool(p.get("isPrimary")), sort_order=p.get("sortOrder", 0))
                      for p in data.get("photos") or []]
    _one_primary(listing.photos)
    listing.attributes = [ListingAttribute(attr_key=a["attrKey"], attr_value=a["attrValue"])
                          for a in data.get("attributes") or []]
    session.add(listing)
    session.flush()
    for user_id in favorers_of(session, material.id):
        record_notification(session, user_id, "material_listing_added", NEW_LISTING_TITLE,
                            f"{listing.title} ({material.name})",
                            {"listingId": str(listing.id), "materialId": str(material.id)})
    session.flush()
    session.expire(listing)
    return get_listing(session, listing.id)


def update_listing(session, *, caller, listing_id, changes):
    listing = get_listing(session, listing_id, lock=True)
    require_seller(session, listing, caller)
    apply_changes(session, listing, changes)
    return get_listing(session, listing.id)


def apply_changes(session, listing, changes):
    """Sets the fields ``changes`` names (also what an approved update request applies)."""
    if "materialId" in changes:
        listing.material_id = get_material(session, changes["materialId"]).id
    if "startingPrice" in changes:
        listing.starting_price = to_money(changes["startingPrice"], field="startingPrice")
    if "i18n" in changes:
        listing.i18n = merge_translations(listing.i18n, changes["i18n"], LISTING_FIELDS)
    _set_fields(listing, changes)
    listing.updated_at = utcnow()
    session.flush()
    session.expire(listing)


def delete_listing(session, *, caller, listing_id):
    listing = get_listing(session, listing_id, lock=True)
    require_seller(session, listing, caller)
    session.delete(listing)
    session.flush()


def list_listings(session, *, page, limit, filters, caller=None):
    """Newest first, filtered; only what ``caller`` may see (:func:`visible_to`)."""
    stmt = loaded().where(visible_to(caller)).order_by(Listing.created_at.desc(), Listing.id)
    equal = {"materialId": Listing.material_id, "companyId": Listing.seller_company_id,
             "userId": Listing.seller_user_id}
    for name, column in equal.items():
        if filters.get(name) is not None:
            stmt = stmt.where(column == as_uuid(filters[name], field=name))
    for name, column in (("condition", Listing.condition), ("materialColor", Listing.material_color),
                         ("status", Listing.status), ("isBiddable", Listing.is_biddable)):
        if filters.get(name) is not None:
            stmt = stmt.where(column == filters[name])
    if filters.get("categoryId") is not None:
        stmt = stmt.where(Listing.material_id.in_(
            select(Material.id).where(Material.category_id == as_uuid(filters["categoryId"], field="categoryId"))))
    if filters.get("onlyActive"):
        stmt = stmt.where(Listing.status == "active",
                          or_(Listing.expires_at.is_(None), Listing.expires_at > utcnow()))
    return page_of(session, stmt, page=page, limit=limit)


def my_listings(session, *, caller, page, limit, status=None, scope="me"):
    """``me``: the listings of the companies the caller owns, or when they own none, their own;
    ``user``: those sold as the caller; ``company``: those of the caller's companies."""
    companies = select(Company.id).where(Company.owner_id == caller.id)
    if scope == "me":
        owns = session.scalar(select(Company.id).where(Company.owner_id == caller.id).limit(1)) is not None
        scope = "company" if owns else "user"
    where = Listing.seller_company_id.in_(companies) if scope == "company" else Listing.seller_user_id == caller.id
    stmt = loaded().where(where).order_by(Listing.created_at.desc(), Listing.id)
    if status is not None:
        stmt = stmt.where(Listing.status == status)
    return page_of(session, stmt, page=page, limit=limit)


def _seller_company(session, caller, company_id):
    if company_id is None:
        return None
    company = session.get(Company, as_uuid(company_id, field="sellerCompanyId"))
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND)
    if not (caller.is_admin or company.owner_id == caller.id):
        raise Forbidden(NOT_YOUR_COMPANY)
    return company


def _seller_user(session, caller, user_id):
    if user_id is None:
        return None
    user = session.get(User, as_uuid(user_id, field="sellerUserId"))
    if user is None or user.account_status == "deleted":
        raise NotFound(USER_NOT_FOUND)
    if not (caller.is_admin or user.id == caller.id):
        raise Forbidden(NOT_YOURSELF)
    return user


def _set_fields(listing, data):
    for name, column in PLAIN_FIELDS.items():
        if name in data:
            value = data[name]
            if name == "expiresAt" and value is not None:
                value = parse_timestamp(value)
            if name == "materials_states":
                value = list(dict.fromkeys(value or []))
            setattr(listing, column, value)


def parse_timestamp(value):
    if isinstance(value, dt.datetime):
        return value
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("expiresAt must be a valid ISO 8601 date string", field="expiresAt") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _one_primary(photos):
    """At most one primary photo: the first flagged one; when none is flagged, the first photo."""
    flagged = [p for p in photos if p.is_primary]
    for photo in photos:
        photo.is_primary = False
    if photos:
        (flagged or photos)[0].is_primary = True


