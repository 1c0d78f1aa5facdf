"""The body of every product's Alembic ``env.py``: online migrations on the configured URL."""
from alembic import context
from models.session import make_engine


def run_env(metadata):
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection, metadata)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection, metadata)
    engine.dispose()


def _run(connection, metadata):
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
