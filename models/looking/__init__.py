"""Looking: story profiles with an approval workflow, permission-based users and a geocache."""
from models.base import make_base
from models.session import Database

LookingBase = make_base("LookingBase")
database = Database("looking")

from models.looking import entities  # noqa: E402,F401  (register the tables on the metadata)
