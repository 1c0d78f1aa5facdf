"""Ionora: a water-ionizer shop with a catalog, cart, favorites, Razorpay checkout, orders and admin."""
from models.base import make_base
from models.session import Database

IonoraBase = make_base("IonoraBase")
database = Database("ionora")

from models.ionora import entities  # noqa: E402,F401  (register the tables on the metadata)
