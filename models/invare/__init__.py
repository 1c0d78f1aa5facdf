"""Invare: a B2B recyclables marketplace (companies, listings with translations, bids, orders with points
escrow, payments, shipments, carrier tenders, chat, tickets).

Each area keeps its tables beside the functions that change them (``users.py``, ``companies.py``, ...)
and is imported below so that its tables are on :data:`InvareBase`'s metadata (what Alembic compares).
Shared helpers: ``columns`` (column types), ``i18n`` (translations), ``money`` (decimal strings),
``paging`` (plain arrays paged in SQL), ``callers`` (who is asking).
"""
from models.base import make_base
from models.session import Database

InvareBase = make_base("InvareBase")
database = Database("invare")

from models.invare import addresses, companies, countries, localization, otp, users  # noqa: F401  (register the tables)
from models.invare import advertisements, listings, materials, notifications  # noqa: F401
from models.invare import bids, carriers, escrow, orders, payments, tenders, wallet  # noqa: F401,E402
from models.invare import admin_reports, chat, push_outbox, tickets  # noqa: F401,E402
from models.invare import shipments, shipping_tenders  # noqa: F401,E402
