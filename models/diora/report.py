"""Reports and their moderation.

Anyone may report a user, shop, post, product, comment or review once while their report on it is
open (``pending`` or ``under_review``); administrators list, count, read, update and act on reports
(suspend, ban, warn, remove the content), and closed reports older than a week are cleaned up
(:func:`cleanup`, also the ``report-cleanup`` job).
"""
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, delete, func, select, update

from models.base import utcnow
from models.diora import DioraBase, comment as comments, notifications, post as posts, users
from models.diora.tables.comment import Comment
from models.diora.tables.post import Post
from models.diora.tables.report import ITEM_TYPES, OPEN, REASONS, Report
from models.diora.tables.users import User
from models.errors import Conflict, InvalidInput, NotFound, RuleViolation
from models.ids import is_object_id
from models.paging import page_query

REPORT_NOT_FOUND = "Report not found"
ITEM_NOT_FOUND = "Reported item not found"
ALREADY_REPORTED = "You have already reported this item"
KEEP_CLOSED_DAYS = 7
DEFAULT_SUSPENSION_DAYS = 7
DEFAULT_REASON = "Violation of community guidelines"
ACTIONS = {"suspend_user": "user_suspended", "suspend_shop": "shop_suspended", "ban_user": "user_banned",
           "remove_content": "content_removed", "warn_user": "warning_sent"}
WARNING_TITLES = {"user": "Account Behavior Warning ⚠️", "shop": "Account Behavior Warning ⚠️",
                  "post": "Post Content Warning ⚠️", "product": "Product Listing Warning ⚠️",
                  "comment": "Comment Warning ⚠️", "review": "Review Warning ⚠️"}
SORTS = {"createdAt": Report.created_at, "updatedAt": Report.updated_at, "status": Report.status,
         "priority": case({"low": 0, "medium": 1, "high": 2, "urgent": 3}, value=Report.priority)}
# Products and reviews belong to other areas: their tables are found by name when they are installed.
FOREIGN_TABLES = {"product": ("products", ("shop_id", "user_id")), "review": ("reviews", ("user_id",))}


def report_not_found():
    return NotFound(REPORT_NOT_FOUND)


def _foreign(item_type):
    name, owner_columns = FOREIGN_TABLES[item_type]
    table = DioraBase.metadata.tables.get(name)
    if table is None:
        return None, None
    owner = next((table.c[c] for c in owner_columns if c in table.c), None)
    return table, owner


def item_owner(session, item_type, item_id):
    """The account behind a reported item (the user or shop itself, or the content's author), or
    None when the item does not exist."""
    if not is_object_id(item_id):
        return None
    if item_type in ("user", "shop"):
        return session.get(User, item_id)
    if item_type == "post":
        owner_id = session.scalar(select(Post.user_id).where(Post.id == item_id))
    elif item_type == "comment":
        owner_id = session.scalar(select(Comment.user_id).where(Comment.id == item_id))
    else:
        table, owner = _foreign(item_type)
        if table is None or owner is None:
            return None
        owner_id = session.scalar(select(owner).where(table.c.id == item_id))
    return session.get(User, owner_id) if owner_id else None


def create_report(session, *, reporter_id, item_type, item_id, reason, description="", evidence_urls=()):
    """A new report, or ``(None, ALREADY_REPORTED)`` when the reporter's report on the item is still
    open. The reporter's row is locked, so two identical reports sent at once make one."""
    if item_type not in ITEM_TYPES:
        raise InvalidInput("Invalid item type", field="itemType")
    if reason not in REASONS:
        raise InvalidInput("Invalid report reason", field="reason")
    users.get_user(session, reporter_id, lock=True)
    owner = item_owner(session, item_type, item_id)
    if owner is None:
        raise NotFound(ITEM_NOT_FOUND)
    if item_type == "shop" and owner.type != "shop":
        raise RuleViolation("User is not a shop", field="itemId")
    open_one = session.scalar(select(Report.id).where(Report.reporter_id == reporter_id, Report.item_type == item_type,
                                                      Report.item_id == item_id, Report.status.in_(OPEN)))
    if open_one is not None:
        return None, ALREADY_REPORTED
    now = utcnow()
    report = Report(reporter_id=reporter_id, item_type=item_type, item_id=item_id, reason=reason,
                    description=(description or "").strip(), status="pending", priority="medium",
                    action_taken="none", evidence_urls=list(evidence_urls), created_at=now, updated_at=now)
    session.add(report)
    session.flush()
    return report, None


def get_report(session, report_id, *, lock=False):
    if not is_object_id(report_id):
        raise report_not_found()
    stmt = select(Report).where(Report.id == report_id)
    if lock:
        stmt = stmt.with_for_update()
    report = session.scalars(stmt).first()
    if report is None:
        raise report_not_found()
    return report


def list_reports(session, *, status=None, reason=None, item_type=None, priority=None, page=1, limit=20,
                 sort_by="createdAt", sort_order="desc"):
    stmt = select(Report)
    for column, value in ((Report.status, status), (Report.reason, reason), (Report.item_type, item_type),
                          (Report.priority, priority)):
        if value:
            stmt = stmt.where(column == value)
    key = SORTS.get(sort_by, Report.created_at)
    stmt = stmt.order_by(key.asc() if sort_order == "asc" else key.desc(),
                         Report.id.asc() if sort_order == "asc" else Report.id.desc())
    return page_query(session, stmt, page=page, limit=limit)


def reporters(session, reports):
    """``{user id: user}`` for the reporters of ``reports`` (one query)."""
    ids = {r.reporter_id for r in reports}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def stats(session, *, now=None):
    now = now or utcnow()
    counted = dict(session.execute(select(Report.status, func.count()).group_by(Report.status)).all())
    priorities = dict(session.execute(select(Report.priority, func.count()).group_by(Report.priority)).all())
    by_reason = session.execute(select(Report.reason, func.count()).group_by(Report.reason)
                                .order_by(func.count().desc(), Report.reason)).all()
    by_item = dict(session.execute(select(Report.item_type, func.count()).group_by(Report.item_type)).all())
    recent = session.scalar(select(func.count()).select_from(Report)
                            .where(Report.created_at >= now - dt.timedelta(hours=24))) or 0
    return {"total": sum(counted.values()), "pending": counted.get("pending", 0),
            "underReview": counted.get("under_review", 0), "resolved": counted.get("resolved", 0),
            "dismissed": counted.get("dismissed", 0), "urgent": priorities.get("urgent", 0),
            "high": priorities.get("high", 0), "last24Hours": recent,
            "byType": [{"_id": reason, "count": count} for reason, count in by_reason],
            "byItemType": {item: by_item.get(item, 0) for item in ITEM_TYPES}}


def update_report(session, *, report_id, admin_id, changes):
    """``status``, ``priority``, ``adminNotes``, ``actionTaken``; a new status records the reviewer."""
    report = get_report(session, report_id, lock=True)
    if "status" in changes and changes["status"] != report.status:
        report.status = changes["status"]
        report.reviewed_by, report.reviewed_at = admin_id, utcnow()
    if "priority" in changes:
        report.priority = changes["priority"]
    if "adminNotes" in changes:
        report.admin_notes = changes["adminNotes"]
    if "actionTaken" in changes:
        report.action_taken = changes["actionTaken"]
    report.updated_at = utcnow()
    session.flush()
    return report


@dataclass
class Moderation:
    report: Report
    result: dict
    notes: list


def moderate(session, *, report_id, admin_id, action, duration=None, reason=None, now=None):
    """Act on an open report (409 once it is resolved or dismissed) and resolve it."""
    if action not in ACTIONS:
        raise InvalidInput("Invalid action", field="action")
    now = now or utcnow()
    report = get_report(session, report_id, lock=True)
    if report.status not in OPEN:
        raise Conflict("Report has already been closed", field="status")
    reason = (reason or "").strip() or DEFAULT_REASON
    owner = item_owner(session, report.item_type, report.item_id)
    if owner is None:
        raise NotFound(ITEM_NOT_FOUND)
    result, notes = {"action": action, "itemType": report.item_type, "itemId": report.item_id}, []
    if action in ("suspend_user", "suspend_shop", "ban_user"):
        if action == "suspend_shop" and owner.type != "shop":
            raise RuleViolation("The reported account is not a shop", field="action")
        target = users.get_user(session, owner.id, lock=True)
        if target.type == "admin":
            raise RuleViolation("Cannot suspend admin users", field="action")
        if action == "ban_user":
            target.status, target.ban_reason, target.banned_at = "banned", reason, now
            notes.append(notifications.notify(
                session, recipient_id=target.id, type="warning", title="Account Banned 🚫",
                message=f"Your account has been permanently banned. Reason: {reason}", force=True))
        else:
            days = duration if duration is not None else DEFAULT_SUSPENSION_DAYS
            until = now + dt.timedelta(days=days)
            target.status, target.suspended_until, target.suspension_reason = "suspended", until, reason
            notes.append(notifications.notify(
                session, recipient_id=target.id, type="warning", title="Account Suspended ⚠️",
                message=f"Your account has been suspended until {until:%a %b %d %Y}. Reason: {reason}", force=True))
            result["suspendedUntil"] = until
        result.update(userId=target.id, status=target.status)
    elif action == "remove_content":
        result["removed"] = _remove(session, report.item_type, report.item_id)
    else:
        notes.append(notifications.notify(
            session, recipient_id=owner.id, type="warning", title=WARNING_TITLES[report.item_type],
            message=reason, data={"reportId": report.id, "action": "warning", "reason": reason,
                                  "itemType": report.item_type, "itemId": report.item_id}, force=True))
        result["userId"] = owner.id
    report.status, report.action_taken, report.admin_notes = "resolved", ACTIONS[action], reason
    report.reviewed_by, report.reviewed_at, report.updated_at = admin_id, now, now
    session.flush()
    return Moderation(report, result, [n for n in notes if n is not None])


def _remove(session, item_type, item_id):
    """Take reported content out of sight: a post or product is hidden, a comment deleted."""
    if item_type == "post":
        posts.hide_post(session, item_id, True)
        return True
    if item_type == "comment":
        comments.delete_comment(session, comment_id=item_id, user_id=None, viewer_is_admin=True)
        return True
    if item_type in FOREIGN_TABLES:
        table, _owner = _foreign(item_type)
        if table is not None and "is_hidden" in table.c:
            session.execute(update(table).where(table.c.id == item_id).values(is_hidden=True))
            return True
    raise RuleViolation(f"Content removal applies to posts, products and comments, not to a {item_type}",
                        field="action")


def cleanup(session, *, now=None, days=KEEP_CLOSED_DAYS):
    """Delete resolved and dismissed reports created more than ``days`` ago; returns how many. One
    DELETE: two passes at once delete each row once (the second finds it gone)."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    return session.execute(delete(Report).where(Report.status.in_(("resolved", "dismissed")),
                                                Report.created_at < cutoff)
                           .execution_options(synchronize_session=False)).rowcount


def run_cleanup(database, now):
    """The ``report-cleanup`` job: one pass as of ``now``."""
    with database.unit_of_work() as uow:
        deleted = cleanup(uow.session, now=now)
        uow.commit()
    return {"deleted": deleted}
