"""Diora: a fashion social network with shops. Accounts, follows, promotion requests and notifications
live here from the start; each area adds its tables under ``tables/`` (and imports them in
``tables/__init__.py``) and its services beside this file."""
from models.base import make_base
from models.session import Database

DioraBase = make_base("DioraBase")
database = Database("diora")

from models.diora import tables  # noqa: E402,F401  (register the tables on the metadata)
