"""Reports as the spec's ``Report`` shows them: the original's ``reportedItem`` and ``type`` beside the
reference's ``targetType``/``targetId``/``reason`` and the client's ``itemType``/``itemId``."""
from marshmallow import Schema, fields

from handlers.diora.schemas.users import user_summary_out
from handlers.fields import IsoZ, dumper


class _ReportOut(Schema):
    _id = fields.String(attribute="id")
    itemType = fields.String(attribute="item_type")
    itemId = fields.String(attribute="item_id")
    targetType = fields.Function(lambda r: r.item_type)
    targetId = fields.Function(lambda r: r.item_id)
    reportedItem = fields.Function(lambda r: {"itemType": r.item_type, "itemId": r.item_id})
    reason = fields.String()
    type = fields.Function(lambda r: r.reason)
    description = fields.String()
    status = fields.String()
    priority = fields.String()
    adminNotes = fields.String(attribute="admin_notes", allow_none=True)
    reviewedBy = fields.String(attribute="reviewed_by", allow_none=True)
    reviewedAt = IsoZ(attribute="reviewed_at", allow_none=True)
    actionTaken = fields.String(attribute="action_taken")
    evidenceUrls = fields.List(fields.String(), attribute="evidence_urls")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


_report_out = dumper(_ReportOut())


def report_out(report, reporter=None):
    item = _report_out(report)
    item["reporter"] = user_summary_out(reporter) if reporter is not None else None
    return item
