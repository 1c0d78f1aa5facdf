"""Shops, products, cart, wishlist and reviews as the spec shows them (components in
``openapi/diora/{shop,product,cart,wishlist,review}.yaml``)."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.diora.schemas.users import AVATAR_PLACEHOLDER, shop_info, user_summary_out


def _average(total, count):
    return round(float(total or 0) / count, 1) if count else 0


def _money(value):
    return float(value) if value is not None else 0.0


def shop_summary(shop):
    """``ProductShop``: the shop of a product."""
    if shop is None:
        return None
    count = shop.shop_review_count or 0
    return {"_id": shop.id, "name": shop.full_name, "fullName": shop.full_name, "username": shop.username,
            "avatar": shop.avatar, "isVerified": shop.is_verified, "status": shop.status,
            "followers": shop.followers_count, "rating": shop.shop_rating_sum or 0, "reviewCount": count,
            "averageRating": _average(shop.shop_rating_sum, count)}


class ProductOut(Schema):
    _id = fields.String(attribute="id")
    shopId = fields.String(attribute="shop_id")
    shop = fields.Function(lambda p: shop_summary(getattr(p, "shop", None)))
    name = fields.String()
    description = fields.String()
    price = fields.Function(lambda p: _money(p.price))
    discount = fields.Function(lambda p: _money(p.discount))
    finalPrice = fields.Function(lambda p: round(_money(p.price) * (1 - _money(p.discount) / 100), 2))
    stock = fields.Integer()
    inStock = fields.Function(lambda p: p.stock > 0)
    imageUrl = fields.Function(lambda p: list(p.image_urls or []))
    image = fields.Function(lambda p: (p.image_urls or [None])[0])
    category = fields.Function(lambda p: list(p.category or []))
    sizes = fields.Function(lambda p: list(p.sizes or []))
    variants = fields.Function(lambda p: list(p.variants or []))
    rating = fields.Function(lambda p: p.rating_sum or 0)
    reviewCount = fields.Integer(attribute="review_count")
    averageRating = fields.Function(lambda p: _average(p.rating_sum, p.review_count))
    purchaseCount = fields.Integer(attribute="sold_count")
    isHidden = fields.Boolean(attribute="is_hidden")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


product_out = dumper(ProductOut())


def shop_card(shop, products_count=0):
    """``ShopCard``: a shop in lists, the reference's keys beside the account's."""
    count = shop.shop_review_count or 0
    info = shop_info(shop)
    return {"_id": shop.id, "name": shop.full_name, "fullName": shop.full_name, "username": shop.username,
            "description": shop.bio, "bio": shop.bio, "avatar": shop.avatar or AVATAR_PLACEHOLDER,
            "coverImage": info.get("coverImageUrl") or AVATAR_PLACEHOLDER, "followers": shop.followers_count,
            "productsCount": products_count, "rating": _average(shop.shop_rating_sum, count), "reviewCount": count,
            "isVerified": shop.is_verified, "status": shop.status, "type": shop.type, "shop": info,
            "createdAt": IsoZ.convert(shop.created_at)}


class ReviewOut(Schema):
    _id = fields.String(attribute="id")
    user = fields.Function(lambda r: user_summary_out(r.author) if getattr(r, "author", None) else None)
    targetId = fields.Function(lambda r: r.target_id)
    targetType = fields.String(attribute="target_type")
    rating = fields.Integer()
    comment = fields.String()
    images = fields.Function(lambda r: list(r.images or []))
    verifiedPurchase = fields.Boolean(attribute="verified_purchase")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


review_out = dumper(ReviewOut())


def cart_out(user_id, lines):
    """``Cart``: the user's cart (its ``_id`` is the user's: one cart per user)."""
    shown = [{"_id": line.id, "productId": product_out(line.product), "quantity": line.quantity,
              "size": line.size, "variant": line.variant} for line in lines]
    subtotal = sum(round(_money(l.product.price) * (1 - _money(l.product.discount) / 100), 2) * l.quantity
                   for l in lines)
    return {"_id": user_id, "userId": user_id, "products": shown,
            "totalItems": sum(l.quantity for l in lines), "subtotal": round(subtotal, 2)}
