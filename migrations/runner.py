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
                      compare_type=True, include_object=_managed(metadata))
    with context.begin_transaction():
        context.run_migrations()


def _managed(metadata):
    """Autogenerate skips what ``metadata.info["unmanaged"]`` names (``table.column`` or an index name):
    objects a migration made by hand that the models do not map, such as dialect-only columns."""
    unmanaged = metadata.info.get("unmanaged", set())

    def include(obj, name, type_, reflected, compare_to):
        if type_ == "column":
            return f"{obj.table.name}.{name}" not in unmanaged
        return name not in unmanaged

    return include
