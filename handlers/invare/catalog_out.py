"""Response shapes of the catalog: categories, materials, favorites, listings (with photos and
attributes), update requests and advertisements, each localized for ``lang`` (``models.invare.i18n``).

Every ``*_out(obj, lang)`` returns a dict; objects must have what they show loaded (the model functions
load it)."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Money, Uuid
from handlers.invare.schemas import user_ref_out
from models.invare.i18n import localize
from models.invare.listings import COLORS, LISTING_FIELDS
from models.invare.materials import CATEGORY_FIELDS, MATERIAL_FIELDS

# How ``unitOfMeasure`` reads in each language when a listing has no translation of its own.
UNIT_NAMES = {"ar": {"ton": "طن", "liter": "لتر", "piece": "قطعة"}, "en": {"ton": "ton", "liter": "liter", "piece": "piece"}}


class CategoryOut(Schema):
    id = Uuid()
    name = fields.String()
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class MaterialOut(Schema):
    id = Uuid()
    name = fields.String()
    unitOfMeasure = fields.String(attribute="unit_of_measure", allow_none=True)
    categoryId = Uuid(attribute="category_id")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class PhotoOut(Schema):
    id = Uuid()
    listingId = Uuid(attribute="listing_id")
    url = fields.String()
    isPrimary = fields.Boolean(attribute="is_primary")
    sortOrder = fields.Integer(attribute="sort_order")


class AttributeOut(Schema):
    id = Uuid()
    listingId = Uuid(attribute="listing_id")
    attrKey = fields.String(attribute="attr_key")
    attrValue = fields.String(attribute="attr_value")
    name = fields.Function(lambda attribute: attribute.attr_key)
    value = fields.Function(lambda attribute: attribute.attr_value)


class SellerOut(Schema):
    id = Uuid()
    companyName = fields.String(attribute="company_name")


class ListingOut(Schema):
    id = Uuid()
    title = fields.String()
    description = fields.String(allow_none=True)
    unitOfMeasure = fields.String(attribute="unit_of_measure")
    startingPrice = Money(attribute="starting_price")
    stockAmount = fields.Integer(attribute="stock_amount")
    status = fields.String()
    condition = fields.String(allow_none=True)
    materialColor = fields.String(attribute="material_color", allow_none=True)
    materialColorHex = fields.Function(lambda listing: COLORS.get(listing.material_color))
    materials_states = fields.List(fields.String())
    expiresAt = IsoZ(attribute="expires_at", allow_none=True)
    isBiddable = fields.Boolean(attribute="is_biddable")
    materialId = Uuid(attribute="material_id")
    sellerCompanyId = Uuid(attribute="seller_company_id")
    sellerUserId = Uuid(attribute="seller_user_id")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class RequestOut(Schema):
    id = Uuid()
    listingId = Uuid(attribute="listing_id")
    requestedById = Uuid(attribute="requested_by_id")
    payload = fields.Raw()
    status = fields.String()
    reason = fields.String(allow_none=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class AdOut(Schema):
    id = Uuid()
    title = fields.String(allow_none=True)
    imageUrl = fields.String(attribute="image_url")
    linkUrl = fields.String(attribute="link_url", allow_none=True)
    listingId = Uuid(attribute="listing_id")
    expiresAt = IsoZ(attribute="expires_at", allow_none=True)
    isActive = fields.Boolean(attribute="is_active")
    active = fields.Function(lambda ad: ad.is_active)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


_category, _material, _photo, _attribute = dumper(CategoryOut()), dumper(MaterialOut()), dumper(PhotoOut()), dumper(AttributeOut())
_seller, _listing, _request, _ad = dumper(SellerOut()), dumper(ListingOut()), dumper(RequestOut()), dumper(AdOut())
photo_out, attribute_out = _photo, _attribute


def category_out(category, lang=None, *, materials=True):
    out = localize(_category(category), category.i18n, lang, CATEGORY_FIELDS)
    if materials:
        out["materials"] = [material_out(m, lang, category=False) for m in category.materials]
    return out


def material_out(material, lang=None, *, category=True):
    out = localize(_material(material), material.i18n, lang, MATERIAL_FIELDS)
    if category:
        out["category"] = None if material.category is None else category_out(material.category, lang, materials=False)
    return out


class FavoriteOut(Schema):
    id = Uuid()
    createdAt = IsoZ(attribute="created_at")


_favorite = dumper(FavoriteOut())


def favorite_out(link):
    """The favorite link: its id, the user and the material."""
    return {**_favorite(link), "user": user_ref_out(link.user), "material": material_out(link.material)}


def listing_out(listing, lang=None):
    out = _listing(listing)
    if lang:
        out["unitOfMeasure"] = UNIT_NAMES[lang].get(listing.unit_of_measure, listing.unit_of_measure)
    localize(out, listing.i18n, lang, LISTING_FIELDS)
    out["material"] = material_out(listing.material, lang)
    out["seller"] = None if listing.seller is None else _seller(listing.seller)
    out["sellerUser"] = None if listing.seller_user is None else user_ref_out(listing.seller_user)
    out["photos"] = [_photo(p) for p in listing.photos]
    out["attributes"] = [_attribute(a) for a in listing.attributes]
    return out


def listing_summary(listing):
    return None if listing is None else {"id": str(listing.id), "title": listing.title}


def request_out(request):
    out = _request(request)
    out["requestedBy"] = user_ref_out(request.requested_by)
    out["listing"] = listing_summary(request.listing)
    return out


def ad_listing(listing):
    if listing is None:
        return None
    keep = ("id", "title", "description", "unitOfMeasure", "startingPrice", "stockAmount", "status", "isBiddable",
            "expiresAt")
    full = _listing(listing)
    return {k: full[k] for k in keep}


def ad_out(ad):
    out = _ad(ad)
    out["listing"] = ad_listing(ad.listing)
    return out
