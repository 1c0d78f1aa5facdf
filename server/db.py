"""Schema migrations (Alembic, one history per product under ``migrations/<product>``)."""
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import migrations


def alembic_config(product, url, connection=None):
    config = Config()
    config.set_main_option("script_location", str(migrations.script_location(product)))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(product, url, revision="head", connection=None):
    command.upgrade(alembic_config(product, url, connection), revision)


def revision(product, url, message):
    command.revision(alembic_config(product, url), message=message, autogenerate=True)


def is_current(product, engine):
    """True when the database is at the newest revision."""
    script = ScriptDirectory.from_config(alembic_config(product, str(engine.url)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())
