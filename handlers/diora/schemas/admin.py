"""Administration shapes (``openapi/diora/admin.yaml``): ``AdminUser`` and ``PromotionRequestItem``."""
from marshmallow import Schema, fields

from handlers.diora.schemas.users import shop_info
from handlers.fields import IsoZ, dumper, iso_z


class AdminUserOut(Schema):
    _id = fields.String(attribute="id")
    username = fields.String()
    email = fields.String()
    fullName = fields.String(attribute="full_name")
    avatar = fields.String(allow_none=True)
    type = fields.String()
    status = fields.String()
    isVerified = fields.Boolean(attribute="is_verified")
    suspendedUntil = IsoZ(attribute="suspended_until")
    suspensionReason = fields.String(attribute="suspension_reason", allow_none=True)
    banReason = fields.String(attribute="ban_reason", allow_none=True)
    bannedAt = IsoZ(attribute="banned_at")
    followersCount = fields.Integer(attribute="followers_count")
    posts = fields.Integer(attribute="posts_count")
    shop = fields.Function(shop_info)
    lastActiveAt = IsoZ(attribute="last_active_at")
    createdAt = IsoZ(attribute="created_at")


class RequesterOut(Schema):
    _id = fields.String(attribute="id")
    username = fields.String()
    email = fields.String()
    fullName = fields.String(attribute="full_name")
    avatar = fields.String(allow_none=True)
    type = fields.String()
    status = fields.String()


class PromotionRequestOut(Schema):
    _id = fields.String(attribute="id")
    userId = fields.String(attribute="user_id")
    businessName = fields.String(attribute="business_name")
    businessDescription = fields.String(attribute="business_description")
    businessType = fields.String(attribute="business_type")
    yearsInBusiness = fields.String(attribute="years_in_business")
    expectedProducts = fields.String(attribute="expected_products")
    additionalInfo = fields.String(attribute="additional_info")
    proofDocuments = fields.Function(lambda r: [{k: d.get(k) for k in ("filename", "originalName", "mimetype", "size")}
                                                for d in r.proof_documents or []])
    status = fields.String()
    submittedAt = IsoZ(attribute="submitted_at")
    reviewedAt = IsoZ(attribute="reviewed_at")
    reviewedBy = fields.String(attribute="reviewed_by", allow_none=True)
    reviewComments = fields.String(attribute="review_comments", allow_none=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


admin_user = dumper(AdminUserOut())
requester = dumper(RequesterOut())
_promotion_request = dumper(PromotionRequestOut())


def promotion_request(request, user):
    return {**_promotion_request(request), "user": requester(user)}


def moderated_user(user):
    """The short account the moderation answers carry (the original's ``user``)."""
    return {"_id": user.id, "username": user.username, "status": user.status,
            "suspendedUntil": iso_z(user.suspended_until)}
