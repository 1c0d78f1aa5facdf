"""A listing's photos (one of them primary) and attributes, changed by its seller or an administrator."""
from sqlalchemy import func, select, update

from models.errors import NotFound
from models.invare.ids import as_uuid
from models.invare.listing_service import get_listing, get_visible_listing, require_seller
from models.invare.listings import Listing, ListingAttribute, ListingPhoto

PHOTO_NOT_FOUND = "Photo not found"
ATTRIBUTE_NOT_FOUND = "Attribute not found"


def _listing(session, caller, listing_id):
    listing = session.scalars(select(Listing).where(Listing.id == as_uuid(listing_id, field="listingId"))
                              .with_for_update(of=Listing)).first()
    if listing is None:
        get_listing(session, listing_id)  # raises the listing's 404
    require_seller(session, listing, caller)
    return listing


def add_photo(session, *, caller, data):
    """A photo for the listing; the first photo, or one sent with ``isPrimary``, becomes the primary."""
    listing = _listing(session, caller, data["listingId"])
    count = session.scalar(select(func.count()).select_from(ListingPhoto).where(ListingPhoto.listing_id == listing.id))
    primary = bool(data.get("isPrimary")) or count == 0
    if primary:
        _clear_primary(session, listing.id)
    photo = ListingPhoto(listing_id=listing.id, url=data["url"], sort_order=data.get("sortOrder", 0), is_primary=primary)
    session.add(photo)
    session.flush()
    return photo


def photos_of(session, listing_id, caller):
    return get_visible_listing(session, listing_id, caller).photos


def make_primary(session, *, caller, photo_id):
    photo = _photo(session, photo_id)
    _listing(session, caller, photo.listing_id)
    _clear_primary(session, photo.listing_id)
    photo.is_primary = True
    session.flush()
    return photo


def delete_photo(session, *, caller, photo_id):
    """Deletes the photo; when it was the primary, the next photo (by sort order) becomes the primary."""
    photo = _photo(session, photo_id)
    _listing(session, caller, photo.listing_id)
    session.delete(photo)
    session.flush()
    if photo.is_primary:
        following = session.scalars(select(ListingPhoto).where(ListingPhoto.listing_id == photo.listing_id)
                                    .order_by(ListingPhoto.sort_order, ListingPhoto.created_at).limit(1)).first()
        if following is not None:
            following.is_primary = True
            session.flush()


def add_attribute(session, *, caller, data):
    listing = _listing(session, caller, data["listingId"])
    attribute = ListingAttribute(listing_id=listing.id, attr_key=data["attrKey"], attr_value=data["attrValue"])
    session.add(attribute)
    session.flush()
    return attribute


def attributes_of(session, listing_id, caller):
    return get_visible_listing(session, listing_id, caller).attributes


def delete_attribute(session, *, caller, attribute_id):
    attribute = session.get(ListingAttribute, as_uuid(attribute_id))
    if attribute is None:
        raise NotFound(ATTRIBUTE_NOT_FOUND)
    _listing(session, caller, attribute.listing_id)
    session.delete(attribute)
    session.flush()


def _photo(session, photo_id):
    photo = session.get(ListingPhoto, as_uuid(photo_id))
    if photo is None:
        raise NotFound(PHOTO_NOT_FOUND)
    return photo


def _clear_primary(session, listing_id):
    session.execute(update(ListingPhoto).where(ListingPhoto.listing_id == listing_id, ListingPhoto.is_primary)
                    .values(is_primary=False).execution_options(synchronize_session="fetch"))
