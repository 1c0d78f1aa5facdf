"""Diora's tables, one module per area. A new area adds its module and one import line here."""
from models.diora.tables import users  # noqa: F401
from models.diora.tables import notifications  # noqa: F401
from models.diora.tables import promotions  # noqa: F401
from models.diora.tables import catalog  # noqa: F401
from models.diora.tables import orders  # noqa: F401
from models.diora.tables import messages  # noqa: F401
from models.diora.tables import catalog  # noqa: F401
from models.diora.tables import post  # noqa: F401
from models.diora.tables import comment  # noqa: F401
from models.diora.tables import report  # noqa: F401
