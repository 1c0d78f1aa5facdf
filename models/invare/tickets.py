"""Support tickets: a user opens one and writes in it; administrators see all, assign and move them.

The ticket's author, its assignee and administrators read it and write in it; nobody else learns it
exists beyond a 403. Status and assignment are administrators' (declared in the spec).
"""
import uuid

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, Uuid, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Forbidden, InvalidInput, NotFound
from models.invare import InvareBase
from models.invare.columns import checked_enum
from models.invare.paging import page_of
from models.invare.users import get_open_user

PRIORITIES = ("low", "medium", "high", "urgent")
STATUSES = ("open", "in_progress", "resolved", "closed")
TICKET_NOT_FOUND = "Ticket not found"
NOT_YOURS = "You can only access your own tickets"


class Ticket(UuidPk, Timestamps, InvareBase):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_created_by_id_created_at", "created_by_id", "created_at"),
                      Index("ix_tickets_created_at", "created_at"))

    subject: Mapped[str] = mapped_column(String(300))
    priority: Mapped[str] = mapped_column(checked_enum(PRIORITIES, "ticket_priority", 16), default="medium")
    status: Mapped[str] = mapped_column(checked_enum(STATUSES, "ticket_status", 16), default="open")
    created_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"),
                                                             index=True)


class TicketMessage(UuidPk, InvareBase):
    __tablename__ = "ticket_messages"
    __table_args__ = (Index("ix_ticket_messages_ticket_id_created_at", "ticket_id", "created_at"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tickets.id", ondelete="CASCADE"))
    sender_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    content: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(DateTime(timezone=True), default=utcnow)


def _ticket(session, ticket_id, *, lock=False):
    ticket_id = uuid.UUID(str(ticket_id))
    stmt = select(Ticket).where(Ticket.id == ticket_id)
    if lock:
        stmt = stmt.with_for_update()
    ticket = session.scalars(stmt).first()
    if ticket is None:
        raise NotFound(TICKET_NOT_FOUND)
    return ticket


def _require_access(ticket, caller):
    if not (caller.is_admin or caller.id in (ticket.created_by_id, ticket.assigned_to_id)):
        raise Forbidden(NOT_YOURS)


def _acting_user(caller, given, field):
    if given is None:
        return caller.id
    given = uuid.UUID(str(given))
    if given != caller.id and not caller.is_admin:
        raise Forbidden(f"{field} must be your own id")
    return given


def create_ticket(session, *, caller, data):
    author = get_open_user(session, _acting_user(caller, data.get("createdByUserId"), "createdByUserId"))
    ticket = Ticket(subject=data["subject"], priority=data.get("priority") or "medium", created_by_id=author.id)
    session.add(ticket)
    session.flush()
    return ticket


def list_tickets(session, *, caller, page, limit, status=None):
    stmt = select(Ticket)
    if not caller.is_admin:
        stmt = stmt.where(or_(Ticket.created_by_id == caller.id, Ticket.assigned_to_id == caller.id))
    if status is not None:
        stmt = stmt.where(Ticket.status == status)
    return page_of(session, stmt.order_by(Ticket.created_at.desc(), Ticket.id), page=page, limit=limit)


def view_ticket(session, *, caller, ticket_id):
    ticket = _ticket(session, ticket_id)
    _require_access(ticket, caller)
    return ticket


def set_status(session, *, ticket_id, status):
    ticket = _ticket(session, ticket_id, lock=True)
    ticket.status = status
    ticket.updated_at = utcnow()
    session.flush()
    return ticket


def assign(session, *, ticket_id, assignee_id):
    ticket = _ticket(session, ticket_id, lock=True)
    assignee = get_open_user(session, uuid.UUID(str(assignee_id)))
    if not assignee.is_admin:
        raise InvalidInput("assignedToUserId must be an administrator", field="assignedToUserId")
    ticket.assigned_to_id = assignee.id
    ticket.updated_at = utcnow()
    session.flush()
    return ticket


def add_message(session, *, caller, data):
    ticket = _ticket(session, uuid.UUID(str(data["ticketId"])), lock=True)
    _require_access(ticket, caller)
    sender = get_open_user(session, _acting_user(caller, data.get("senderUserId"), "senderUserId"))
    message = TicketMessage(ticket_id=ticket.id, sender_id=sender.id, content=data["content"])
    session.add(message)
    ticket.updated_at = utcnow()
    session.flush()
    return message


def list_messages(session, *, caller, ticket_id, page, limit):
    ticket = view_ticket(session, caller=caller, ticket_id=ticket_id)
    stmt = (select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
            .order_by(TicketMessage.created_at, TicketMessage.id))
    return page_of(session, stmt, page=page, limit=limit)
