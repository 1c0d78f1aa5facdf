"""Support tickets: users open and follow their own; administrators see all, assign and move them."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Uuid
from models.invare import database, tickets
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


class TicketOut(Schema):
    id = Uuid()
    subject = fields.String()
    priority = fields.String()
    status = fields.String()
    createdByUserId = Uuid(attribute="created_by_id")
    assignedToUserId = Uuid(attribute="assigned_to_id")
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class TicketMessageOut(Schema):
    id = Uuid()
    ticketId = Uuid(attribute="ticket_id")
    senderUserId = Uuid(attribute="sender_id")
    content = fields.String()
    createdAt = IsoZ(attribute="created_at")


ticket_out = dumper(TicketOut())
ticket_message_out = dumper(TicketMessageOut())


def create_ticket(body, token_info):
    with database.unit_of_work() as uow:
        ticket = tickets.create_ticket(uow.session, caller=Caller.of(token_info), data=body)
        answer = ticket_out(ticket)
        uow.commit()
    return answer, 201


def list_tickets(token_info, page=1, limit=DEFAULT_LIMIT, status=None):
    with database.reading() as session:
        rows = tickets.list_tickets(session, caller=Caller.of(token_info), page=page, limit=limit, status=status)
        return ticket_out.many(rows), 200


def get_ticket(id, token_info):
    with database.reading() as session:
        return ticket_out(tickets.view_ticket(session, caller=Caller.of(token_info), ticket_id=id)), 200


def set_status(id, body):
    with database.unit_of_work() as uow:
        answer = ticket_out(tickets.set_status(uow.session, ticket_id=id, status=body["status"]))
        uow.commit()
    return answer, 200


def assign(body):
    with database.unit_of_work() as uow:
        ticket = tickets.assign(uow.session, ticket_id=body["ticketId"], assignee_id=body["assignedToUserId"])
        answer = ticket_out(ticket)
        uow.commit()
    return answer, 200


def add_message(body, token_info):
    with database.unit_of_work() as uow:
        answer = ticket_message_out(tickets.add_message(uow.session, caller=Caller.of(token_info), data=body))
        uow.commit()
    return answer, 201


def list_messages(id, token_info, page=1, limit=50):
    with database.reading() as session:
        rows = tickets.list_messages(session, caller=Caller.of(token_info), ticket_id=id, page=page, limit=limit)
        return ticket_message_out.many(rows), 200
