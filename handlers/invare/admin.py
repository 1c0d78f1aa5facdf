"""Administration: dashboard figures, carriers, the welcome mailing, profit reports."""
import datetime as dt
import logging

from handlers.invare.schemas import user_out
from models.errors import InvalidInput
from models.invare import admin_reports, database
from models.invare.paging import DEFAULT_LIMIT
from server.products.invare import PRODUCT

log = logging.getLogger("handlers.invare.admin")
WELCOME_SUBJECT = "Welcome to Invare"


def dashboard():
    with database.reading() as session:
        return admin_reports.dashboard(session), 200


def carriers(page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return [_carrier(user) for user in admin_reports.carriers(session, page=page, limit=limit)], 200


def create_carrier(body):
    with database.unit_of_work() as uow:
        user = admin_reports.create_carrier(uow.session, data=body)
        answer = user_out(user)
        uow.commit()
    return answer, 201


def set_carrier_status(body):
    with database.unit_of_work() as uow:
        user = admin_reports.set_carrier(uow.session, user_id=body["userId"], is_carrier=body["isCarrier"])
        answer = {"id": str(user.id), "email": user.email, "isCarrier": bool(user.is_carrier)}
        uow.commit()
    return answer, 200


def welcome_users(body=None):
    """The welcome mail to every active account; ``sent`` counts those the mailer took."""
    with database.reading() as session:
        recipients = admin_reports.welcome_recipients(session)
    sent = 0
    for email, first_name in recipients:
        try:
            PRODUCT.runtime.mailer.send(to=email, subject=WELCOME_SUBJECT, text=_welcome_text(first_name))
            sent += 1
        except Exception:
            log.exception("welcome mail to %s failed", email)
    return {"attempted": len(recipients), "sent": sent}, 200


def profit_reports(period, to=None, **query):
    """``from`` reaches the handler as ``from_`` (a Python keyword)."""
    date_from = _day(query.get("from_", query.get("from")), "from")
    date_to = _day(to, "to")
    with database.reading() as session:
        return admin_reports.profit_reports(session, period=period, date_from=date_from, date_to=date_to), 200


def _day(value, field):
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{field} must be a valid ISO 8601 date string", field=field) from None


def _carrier(user):
    out = user_out(user)
    return {key: out[key] for key in ("id", "email", "firstName", "lastName", "phone", "isCarrier",
                                      "accountStatus", "countryId", "createdAt")}


def _welcome_text(first_name):
    greeting = f"Hello {first_name}," if first_name else "Hello,"
    return (f"{greeting}\n\nWelcome to Invare, the marketplace for recyclable materials. Browse listings, "
            "bid, buy and sell with verified companies.\n\nThe Invare team")
