"""``python -m server``: serve, migrate, seed and create administrators."""
import argparse
import logging
import sys
import warnings

# Connexion imports Starlette's test client at start-up, which warns about httpx; nothing here uses it.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from server.app import PRODUCTS, ProductNotImplemented, load_product  # noqa: E402
from server.observability import configure_logging  # noqa: E402
from server.settings import Settings  # noqa: E402

log = logging.getLogger("server")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run products on their documented ports")
    serve.add_argument("products", nargs="*", metavar="PRODUCT",
                       help=f"any of {', '.join(PRODUCTS)}; default: all")
    serve.add_argument("--port", type=int, help="port (only with a single product)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=1, help="processes per product")
    serve.add_argument("--no-seed", action="store_true", help="do not load demo data into a new database")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="migrate to the newest schema")
    upgrade.add_argument("products", nargs="*", metavar="PRODUCT")
    rev = db_commands.add_parser("revision", help="autogenerate a migration from the models")
    rev.add_argument("product")
    rev.add_argument("-m", "--message", required=True)

    seed = commands.add_parser("seed", help="load demo data (idempotent)")
    seed.add_argument("products", nargs="*", metavar="PRODUCT")

    admin = commands.add_parser("create-admin", help="create the product's most privileged account")
    admin.add_argument("product", choices=PRODUCTS)
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)

    args = parser.parse_args(argv)
    configure_logging()
    if args.command == "serve":
        return serve_products(args)
    if args.command == "db" and args.db_command == "upgrade":
        for product in implemented(args.products):
            migrate(product)
        return 0
    if args.command == "db" and args.db_command == "revision":
        from server import db as schema

        schema.revision(args.product, Settings.from_env(args.product).database_url, args.message)
        return 0
    if args.command == "seed":
        for product in implemented(args.products):
            migrate(product)
            print_accounts(product, run_seed(product))
        return 0
    if args.command == "create-admin":
        return create_admin(args)
    return 2


def implemented(names):
    """The named (default: all) products that exist yet; say so for the others."""
    found = []
    for name in names or PRODUCTS:
        try:
            found.append(load_product(name))
        except ProductNotImplemented as exc:
            print(f"{name}: skipped ({exc})", file=sys.stderr)
    return found


def _bound(product):
    settings = Settings.from_env(product.name)
    product.database.bind(settings.database_url, pool_size=2)
    return settings


def migrate(product):
    """Bring the product's database to the newest schema; True when it had no schema before."""
    from sqlalchemy import inspect

    from server import db as schema

    settings = Settings.from_env(product.name)
    if settings.database_url.startswith("sqlite:///"):
        path = settings.database_url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = _bound(product) and product.database.engine
    fresh = not inspect(engine).get_table_names()
    schema.upgrade(product.name, settings.database_url)
    return fresh


def run_seed(product):
    settings = _bound(product)
    with product.database.unit_of_work() as uow:
        accounts = product.seed(uow.session, settings)
        uow.commit()
    return accounts


def print_accounts(product, accounts):
    if not accounts:
        print(f"{product.name}: demo data already present")
        return
    print(f"{product.name}: demo accounts")
    for label, username, password in accounts:
        print(f"  {username} / {password}  ({label})")


def create_admin(args):
    try:
        product = load_product(args.product)
    except ProductNotImplemented as exc:
        print(f"{args.product}: {exc}", file=sys.stderr)
        return 1
    migrate(product)
    _bound(product)
    from models.errors import DomainError

    try:
        with product.database.unit_of_work() as uow:
            product.create_admin(uow.session, username=args.username, email=args.email, password=args.password)
            uow.commit()
    except DomainError as exc:
        print(f"{product.name}: {exc.message}", file=sys.stderr)
        return 1
    print(f"{product.name}: administrator {args.username} created")
    return 0


def serve_products(args):
    products = implemented(args.products)
    if not products:
        print("nothing to serve", file=sys.stderr)
        return 1
    if args.port and len(products) > 1:
        print("--port needs exactly one product", file=sys.stderr)
        return 2
    for product in products:
        fresh = migrate(product)
        if fresh and not args.no_seed and product.seed and not Settings.from_env(product.name).is_production:
            print_accounts(product, run_seed(product))
        product.database.engine.dispose()
    for product in products:
        port = args.port or product.port
        base = f"http://{args.host}:{port}{product.base_path}"
        print(f"{product.title}: {base}  (docs {base}/docs, spec {base}/openapi.json)", flush=True)
    from server import runner

    return runner.serve(products, host=args.host, port=args.port, workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
