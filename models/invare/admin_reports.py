"""Administrators' figures and carrier management: the dashboard, carriers, the welcome mailing, and
platform profit (fees) grouped by week, month or year in SQL.

Platform fees are the trade area's ``order_fees`` (one row per side of a completed order: ``quantity``,
``amount_sar``, ``amount_points``). ``totalIncome`` is the payments area's sum of ``succeeded`` payments
(``models.invare.payments.total_income``).
"""
import datetime as dt
import decimal
import uuid

from sqlalchemy import Date, cast, func, select

from models.errors import InvalidInput
from models.invare import payments
from models.invare.companies import Company
from models.invare.escrow import OrderFee
from models.invare.listings import Listing
from models.invare.paging import page_of
from models.invare.users import User, create_user, get_open_user

PERIODS = ("weekly", "monthly", "yearly")


def dashboard(session):
    counts = select(
        select(func.count()).select_from(User).where(User.account_status != "deleted").scalar_subquery(),
        select(func.count()).select_from(Company).scalar_subquery(),
        select(func.count()).select_from(Listing).scalar_subquery(),
        select(func.count()).select_from(Listing).where(Listing.status == "active").scalar_subquery(),
    )
    users, companies, listings, active = session.execute(counts).one()
    return {"totalUsers": users, "totalCompanies": companies, "totalListings": listings,
            "activeListings": active, "totalIncome": float(payments.total_income(session))}


def carriers(session, *, page, limit):
    stmt = (select(User).where(User.is_carrier.is_(True), User.account_status != "deleted")
            .order_by(User.created_at.desc(), User.id))
    return page_of(session, stmt, page=page, limit=limit)


def create_carrier(session, *, data):
    return create_user(session, data=data, is_carrier=True)


def set_carrier(session, *, user_id, is_carrier):
    user = get_open_user(session, uuid.UUID(str(user_id)), lock=True)
    user.is_carrier = bool(is_carrier)
    session.flush()
    return user


def welcome_recipients(session):
    """E-mail and first name of every active account, for the welcome mailing."""
    rows = session.execute(select(User.email, User.first_name).where(User.account_status == "active")
                           .order_by(User.created_at, User.id))
    return [(email, first_name) for email, first_name in rows]


def _period_start(session, column, period):
    """The start of the period ``column`` falls in (UTC), as a date, computed by the database."""
    if session.bind.dialect.name == "postgresql":
        unit = {"weekly": "week", "monthly": "month", "yearly": "year"}[period]
        return cast(func.date_trunc(unit, func.timezone("UTC", column)), Date)
    if period == "weekly":  # SQLite: back to Monday
        return func.date(column, "-6 days", "weekday 1")
    return func.date(func.strftime("%Y-%m-01" if period == "monthly" else "%Y-01-01", column))


def profit_reports(session, *, period, date_from, date_to):
    """Fees per period start and side between ``date_from`` and ``date_to`` (both days included)."""
    if period not in PERIODS:
        raise InvalidInput(f"period must be one of the following values: {', '.join(PERIODS)}", field="period")
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("from must not be after to", field="from")
    fees = OrderFee.__table__
    start = _period_start(session, fees.c.created_at, period).label("period")
    stmt = select(start, fees.c.side, func.coalesce(func.sum(fees.c.quantity), 0),
                  func.coalesce(func.sum(fees.c.amount_sar), 0), func.coalesce(func.sum(fees.c.amount_points), 0))
    if date_from:
        stmt = stmt.where(fees.c.created_at >= dt.datetime.combine(date_from, dt.time(), dt.timezone.utc))
    if date_to:
        stmt = stmt.where(fees.c.created_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(),
                                                                  dt.timezone.utc))
    stmt = stmt.group_by(start, fees.c.side).order_by(start, fees.c.side)
    return [{"period": _iso_day(day), "side": side, "totalQuantity": _number(quantity), "totalSar": _number(sar),
             "totalPoints": _number(points)} for day, side, quantity, sar, points in session.execute(stmt)]


def _iso_day(value):
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.isoformat()}T00:00:00.000Z"


def _number(value):
    value = decimal.Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)


