"""Reporting content, and the administrators' moderation of reports."""
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok, pagination
from handlers.diora.schemas.reports import report_out
from handlers.diora.schemas.users import user_summary_out
from handlers.fields import IsoZ
from models.diora import database, report as reports
from models.diora.tables.comment import Comment
from models.diora.tables.post import Post
from models.diora.tables.users import User
from models.errors import InvalidInput


def _item(body):
    """The reported item from any of the accepted shapes: the original's ``reportedItem`` + ``type``,
    the reference's ``itemType``/``itemId``/``reason``, the client's ``targetType``/``targetId``/``reason``."""
    nested = body.get("reportedItem") or {}
    item_type = nested.get("itemType") or body.get("itemType") or body.get("targetType")
    item_id = nested.get("itemId") or body.get("itemId") or body.get("targetId")
    reason = body.get("reason") or body.get("type")
    for field, value in (("itemType", item_type), ("itemId", item_id), ("reason", reason)):
        if not value:
            raise InvalidInput(f"{field} is required", field=field)
    evidence = list(body.get("evidenceUrls") or []) + ([body["evidenceUrl"]] if body.get("evidenceUrl") else [])
    return item_type, item_id, reason, evidence


def create_report(body, user):
    item_type, item_id, reason, evidence = _item(body)
    with database.unit_of_work() as uow:
        report, already = reports.create_report(uow.session, reporter_id=user, item_type=item_type, item_id=item_id,
                                                reason=reason, description=body.get("description", ""),
                                                evidence_urls=evidence)
        if already:
            return ok(already), 200
        shown = report_out(report, uow.session.get(User, user))
        uow.commit()
    return ok("Report submitted successfully", report=shown), 201


def get_stats():
    with database.reading() as session:
        return ok(stats=reports.stats(session)), 200


def get_reports(status=None, type=None, reason=None, itemType=None, priority=None, page=1, limit=20,
                sortBy="createdAt", sortOrder="desc"):
    if type in reports.REASONS:
        reason = reason or type
    elif type:
        itemType = itemType or type
    with database.reading() as session:
        found = reports.list_reports(session, status=status, reason=reason, item_type=itemType, priority=priority,
                                     page=page, limit=limit, sort_by=sortBy, sort_order=sortOrder)
        people = reports.reporters(session, found.items)
        items = [report_out(r, people.get(r.reporter_id)) for r in found.items]
    return ok(reports=items, pagination={**pagination(found), "pages": found.total_pages}), 200


def get_report(id):
    with database.reading() as session:
        report = reports.get_report(session, id)
        shown = report_out(report, session.get(User, report.reporter_id))
        shown["target"] = _target(session, report)
    return ok(report=shown), 200


def _target(session, report):
    """What was reported, when this area can show it (users, shops, posts, comments)."""
    if report.item_type in ("user", "shop"):
        account = session.get(User, report.item_id)
        return user_summary_out(account) if account else None
    if report.item_type == "post":
        post = session.get(Post, report.item_id)
        return {"_id": post.id, "caption": post.caption, "imageUrl": post.image_url, "userId": post.user_id,
                "isHidden": post.is_hidden, "createdAt": IsoZ.convert(post.created_at)} if post else None
    if report.item_type == "comment":
        comment = session.get(Comment, report.item_id)
        return {"_id": comment.id, "text": comment.text, "userId": comment.user_id, "postId": comment.post_id,
                "createdAt": IsoZ.convert(comment.created_at)} if comment else None
    return None


def update_report(id, body, user):
    with database.unit_of_work() as uow:
        report = reports.update_report(uow.session, report_id=id, admin_id=user, changes=body)
        shown = report_out(report, uow.session.get(User, report.reporter_id))
        uow.commit()
    return ok("Report updated successfully", report=shown), 200


def moderate_report(id, body, user):
    with database.unit_of_work() as uow:
        done = reports.moderate(uow.session, report_id=id, admin_id=user, action=body["action"],
                                duration=body.get("duration"), reason=body.get("reason"))
        result = {k: IsoZ.convert(v) if k == "suspendedUntil" else v for k, v in done.result.items()}
        shown = report_out(done.report, uow.session.get(User, done.report.reporter_id))
        events = dump_notifications(done.notes)
        uow.commit()
    publish_notifications(events)
    return ok("Moderation action completed", result=result, report=shown), 200


def cleanup_reports():
    with database.unit_of_work() as uow:
        deleted = reports.cleanup(uow.session)
        uow.commit()
    return ok(f"Cleaned up {deleted} old reports", deletedCount=deleted), 200
