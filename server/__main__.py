"""``python -m server``: serve, migrate, seed and create administrators."""
import argparse
import difflib
import getpass
import logging
import sys
from dataclasses import dataclass, replace

import openapi
from server.app import PRODUCTS, ProductNotImplemented, load_product
from server.observability import configure_logging
from server.settings import Settings, SettingsError

log = logging.getLogger("server")
PROG = "python -m server"
USAGE_ERROR = 2

EXAMPLES = {
    "main": """\
examples:
  python -m server serve                      every product on its documented port
  python -m server db upgrade looking         migrate Looking's database
  python -m server seed                       demo data and accounts (development only)
  python -m server create-admin ionora --username "Ops" --email ops@example.com
  python -m server jobs run invare --now 2030-01-01T00:00:00Z
  python -m server COMMAND --help             a command's options and examples

configuration comes from the environment (README: Configuration), e.g. LOOKING_DATABASE_URL.""",
    "serve": """\
examples:
  python -m server serve                      all products, each on its documented port
  python -m server serve looking --port 8080  one product on another port
  python -m server serve ionora --workers 4 --host 0.0.0.0
  LOOKING_PORT=8001 IONORA_PORT=8002 python -m server serve

products not implemented yet are skipped with a message.""",
    "jobs": """\
examples:
  python -m server jobs list                  every product's periodic jobs
  python -m server jobs run diora             run all of Diora's jobs once, now
  python -m server jobs run invare --job escrow-expiry --now 2030-01-01T00:00:00Z

serve runs every job on its schedule (serve --no-jobs does not); jobs are safe to run by hand at the
same time.""",
    "list": """\
examples:
  python -m server jobs list
  python -m server jobs list invare""",
    "run": """\
examples:
  python -m server jobs run diora
  python -m server jobs run invare --job escrow-expiry --job tender-expiry
  python -m server jobs run invare --now 2030-01-01T00:00:00Z   as of that moment (ISO 8601; UTC when no offset)

exit status 1 when a job failed (the log says why), 2 for an unknown product or job.""",
    "wallet": """\
examples:
  python -m server wallet credit invare --email buyer@example.com --points 100
      (Invare only: wallet points, recorded in the ledger as credited by the operator)""",
    "credit": """\
examples:
  python -m server wallet credit invare --email buyer@example.com --points 250.50 --note "welcome bonus"

exit status 1 when there is no account with that e-mail or the amount is not valid.""",
    "db": """\
examples:
  python -m server db upgrade                 migrate every product
  python -m server db upgrade ionora
  python -m server db revision looking -m "profile tags"
""",
    "upgrade": """\
examples:
  python -m server db upgrade                 every product
  IONORA_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ionora python -m server db upgrade ionora""",
    "revision": """\
examples:
  python -m server db revision looking -m "profile tags"
review the generated file in migrations/<product>/versions/ before committing it.""",
    "seed": """\
examples:
  python -m server seed                       every product
  python -m server seed looking

migrates first; adds the demo data to a database without accounts and prints the demo accounts
every time. Refused when APP_ENV=production.""",
    "create-admin": """\
examples:
  python -m server create-admin looking --username root --email root@example.com
      (prompts for the password twice in a terminal)
  printf '%s\\n' "$ADMIN_PASSWORD" | python -m server create-admin ionora --username "Ops" \\
      --email ops@example.com --password-stdin

the password follows the product's own rules (Looking: UserCreate, 8-200 characters; Ionora: the
registration rules, 8-128 characters). Looking: every permission; Ionora: is_admin (an existing
account with that email is promoted). Invare: isAdmin for that e-mail (an existing account is
promoted and reactivated); Invare accounts have no password (they sign in with a code mailed by
POST /auth/request-otp), so its password is asked for but not stored:
  python -m server create-admin invare --username Ops --email ops@example.com --password unused""",
}


def product_name(value):
    """argparse type: a known product name, else the choices (and the closest one)."""
    if value in PRODUCTS:
        return value
    close = difflib.get_close_matches(value, PRODUCTS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise argparse.ArgumentTypeError(f"unknown product {value!r} ({hint}choose from {', '.join(PRODUCTS)})")


def build_parser():
    def command(parent, name, text, **kwargs):
        return parent.add_parser(name, help=text, description=text, epilog=EXAMPLES[name],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)

    parser = argparse.ArgumentParser(prog=PROG, description=__doc__, epilog=EXAMPLES["main"],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    products_help = f"any of {', '.join(PRODUCTS)}; default: all"

    serve = command(commands, "serve", "run products on their documented ports")
    serve.add_argument("products", nargs="*", metavar="PRODUCT", type=product_name, help=products_help)
    serve.add_argument("--port", type=int, help="port (only with a single product); default: <PRODUCT>_PORT "
                                                "or the documented port")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    serve.add_argument("--workers", type=int, default=1, help="processes per product (default: 1)")
    serve.add_argument("--no-seed", action="store_true", help="do not load demo data into a new database")
    serve.add_argument("--no-jobs", action="store_true", help="do not run the products' periodic jobs")

    db = command(commands, "db", "database schema (Alembic)")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    upgrade = command(db_commands, "upgrade", "migrate to the newest schema")
    upgrade.add_argument("products", nargs="*", metavar="PRODUCT", type=product_name, help=products_help)
    rev = command(db_commands, "revision", "autogenerate a migration from the models")
    rev.add_argument("product", metavar="PRODUCT", type=product_name)
    rev.add_argument("-m", "--message", required=True, help="what the migration changes")

    seed = command(commands, "seed", "load demo data (idempotent) and print the demo accounts")
    seed.add_argument("products", nargs="*", metavar="PRODUCT", type=product_name, help=products_help)

    jobs = command(commands, "jobs", "periodic jobs: list them, or run them once")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True, metavar="JOBS_COMMAND")
    jobs_list = command(jobs_commands, "list", "the products' jobs and their schedules")
    jobs_list.add_argument("products", nargs="*", metavar="PRODUCT", type=product_name, help=products_help)
    jobs_run = command(jobs_commands, "run", "run a product's jobs once (migrates first)")
    jobs_run.add_argument("product", metavar="PRODUCT", type=product_name)
    jobs_run.add_argument("--job", action="append", metavar="NAME", help="only this job (repeatable)")
    jobs_run.add_argument("--now", type=moment, metavar="ISO", help="run as of this moment (default: now)")

    admin = command(commands, "create-admin", "create the product's most privileged account")
    admin.add_argument("product", metavar="PRODUCT", type=product_name)
    admin.add_argument("--username", required=True,
                       help="Looking: the login name; Ionora: the full name; Invare: the first name")
    admin.add_argument("--email", required=True, help="Ionora, Invare: the login")
    secret = admin.add_mutually_exclusive_group()
    secret.add_argument("--password", help="the password as an argument (visible to other local users and "
                                           "in shell history: prefer the prompt or --password-stdin)")
    secret.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")

    wallet = command(commands, "wallet", "wallet points (Invare)")
    wallet_commands = wallet.add_subparsers(dest="wallet_command", required=True, metavar="WALLET_COMMAND")
    credit = command(wallet_commands, "credit", "add points to an account's wallet")
    credit.add_argument("product", metavar="PRODUCT", choices=["invare"], help="invare")
    credit.add_argument("--email", required=True, help="the account's e-mail")
    credit.add_argument("--points", required=True, help="points to add, e.g. 100 or 12.50")
    credit.add_argument("--note", help="why (kept in the ledger)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        if args.command == "serve":
            return serve_products(args)
        if args.command == "db" and args.db_command == "upgrade":
            return for_each(args.products, migrate)
        if args.command == "db" and args.db_command == "revision":
            return revision(args)
        if args.command == "seed":
            return seed(args)
        if args.command == "create-admin":
            return create_admin(args)
        if args.command == "jobs":
            return jobs_command(args)
        if args.command == "wallet":
            return wallet_credit(args)
    except SettingsError as exc:
        for line in str(exc).splitlines():
            print(f"{PROG}: {line}", file=sys.stderr)
        return USAGE_ERROR
    return USAGE_ERROR


def moment(value):
    """argparse type: an ISO 8601 moment."""
    from server.jobs import parse_moment

    try:
        return parse_moment(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 moment: {value!r} (e.g. 2030-01-01T00:00:00Z)") from None


def jobs_command(args):
    from server import jobs

    if args.jobs_command == "list":
        for product in implemented(args.products):
            for job in product.jobs:
                print(f"{product.name} {job.name}  every {job.every:g} s  {job.description}")
            if not product.jobs:
                print(f"{product.name}: no jobs")
        return 0
    products = implemented([args.product])
    if not products:
        return 1
    product = products[0]
    try:
        selected = jobs.select(product, args.job)
    except jobs.UnknownJob as exc:
        print(f"{PROG} jobs run: {exc}", file=sys.stderr)
        return USAGE_ERROR
    migrate(product)
    results = jobs.run_once(product, product.database, selected, now=args.now)
    for name, summary, error in results:
        print(f"{product.name} {name}: {error or summary}")
    return 1 if any(error for _, _, error in results) else 0


def wallet_credit(args):
    """``wallet credit invare``: points to an account by e-mail, one ledger row (no acting user: the note
    says it came from the command line)."""
    from models.errors import DomainError
    from models.invare import wallet

    products = implemented([args.product])
    if not products:
        return 1
    product = products[0]
    migrate(product)
    try:
        with product.database.unit_of_work() as uow:
            user = wallet.credit_by_email(uow.session, email=args.email, points=args.points,
                                          note=args.note or "credited from the command line")
            balance, frozen = user.points_balance, user.frozen_points
            uow.commit()
    except DomainError as exc:
        print(f"{PROG} wallet credit: {exc.message}", file=sys.stderr)
        return 1
    print(f"{args.email}: pointsBalance {balance}, frozenPoints {frozen}")
    return 0


def implemented(names):
    """The named (default: all) products that exist yet; say so for the others. A product's port is
    its ``<PRODUCT>_PORT`` setting when set, else its documented port."""
    found = []
    for name in names or PRODUCTS:
        try:
            product = load_product(name)
        except ProductNotImplemented as exc:
            print(f"{name}: skipped ({exc})", file=sys.stderr)
            continue
        port = Settings.from_env(name).port
        found.append(replace(product, port=port) if port else product)
    return found


def for_each(names, action):
    """Run ``action`` on each named (default: every implemented) product; 1 when a named one is not there."""
    products = implemented(names)
    for product in products:
        action(product)
    return 1 if names and len(products) < len(set(names)) else 0


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


def revision(args):
    from server import db as schema

    if not for_each([args.product], lambda product: None) == 0:
        return 1
    schema.revision(args.product, Settings.from_env(args.product).database_url, args.message)
    return 0


def run_seed(product):
    settings = _bound(product)
    with product.database.unit_of_work() as uow:
        accounts = product.seed(uow.session, settings)
        uow.commit()
    return accounts


def seed(args):
    products = implemented(args.products)
    if any(Settings.from_env(product.name).is_production for product in products):
        print(f"{PROG} seed: refused: APP_ENV=production (the demo accounts' passwords are published)",
              file=sys.stderr)
        return USAGE_ERROR
    for product in products:
        migrate(product)
        print_accounts(product, run_seed(product))
    return 1 if args.products and len(products) < len(set(args.products)) else 0


def print_accounts(product, accounts):
    if not accounts:
        print(f"{product.name}: the database has its own accounts; no demo accounts added")
        return
    print(f"{product.name}: demo accounts")
    for label, username, password in accounts:
        print(f"  {username} / {password}  ({label})")


@dataclass(frozen=True)
class AdminRules:
    """Which spec schema an administrator's fields obey, and the option each schema property comes from."""
    schema: str
    fields: dict


ADMIN_RULES = {
    "diora": AdminRules("SignupRequest", {"username": "username", "email": "email", "fullName": "username",
                                          "password": "password"}),
    "looking": AdminRules("UserCreate", {"username": "username", "email": "email", "password": "password"}),
    "ionora": AdminRules("RegisterRequest", {"full_name": "username", "email": "email", "password": "password"}),
    "invare": AdminRules("AdminRegisterCarrierRequest", {"email": "email", "firstName": "username", "lastName": "username"}),
}
RULE_TEXT = {
    "minLength": "must have at least {} characters",
    "maxLength": "must have at most {} characters",
    "pattern": "must match {}",
    "format": "must be a valid {}",
}


def admin_rule_violations(product, values):
    """What is wrong with an administrator's fields by the product's own spec schema ([] when nothing)."""
    from jsonschema import Draft4Validator

    rules = ADMIN_RULES.get(product.name)
    if rules is None:
        return []
    components = openapi.load(product.name)["components"]
    schema = {"$ref": f"#/components/schemas/{rules.schema}", "components": components}
    instance = {prop: values[option] for prop, option in rules.fields.items()}
    problems = []
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path)):
        prop = error.path[0] if error.path else ""
        option = "--" + rules.fields.get(prop, prop).replace("_", "-")
        text = RULE_TEXT.get(error.validator, "is not valid ({})").format(error.validator_value)
        problems.append(f"{option} {text} ({product.title}'s rule: {rules.schema}.{prop} "
                        f"{error.validator} {error.validator_value} in openapi/{product.name}.yaml)")
    return problems


def read_password(args):
    """The password from --password, --password-stdin or a prompt (twice) on a terminal; None: say why."""
    if args.password is not None:
        return args.password
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r") or None
    if not sys.stdin.isatty():
        print(f"{PROG} create-admin: no password: pipe it in with --password-stdin, or run in a terminal "
              f"to be prompted", file=sys.stderr)
        return None
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != password:
        print(f"{PROG} create-admin: the passwords do not match", file=sys.stderr)
        return None
    return password


def create_admin(args):
    try:
        product = load_product(args.product)
    except ProductNotImplemented as exc:
        print(f"{args.product}: {exc}", file=sys.stderr)
        return 1
    password = read_password(args)
    if not password:
        if args.password_stdin:
            print(f"{PROG} create-admin: --password-stdin: standard input has no password", file=sys.stderr)
        return USAGE_ERROR
    values = {"username": args.username, "email": args.email, "password": password}
    problems = admin_rule_violations(product, values)
    if problems:
        for problem in problems:
            print(f"{product.name}: {problem}", file=sys.stderr)
        return USAGE_ERROR
    migrate(product)
    _bound(product)
    from models.errors import Conflict, DomainError

    try:
        with product.database.unit_of_work() as uow:
            product.create_admin(uow.session, username=args.username, email=args.email, password=password)
            uow.commit()
    except Conflict as exc:
        field = exc.field or next(iter((exc.details or {}).get("keyPattern") or {}), None)
        if field in values:
            print(f"{product.name}: --{field} {values[field]!r} is already taken ({exc.message})", file=sys.stderr)
        else:
            print(f"{product.name}: {field or 'the account'} is already taken ({exc.message})", file=sys.stderr)
        return 1
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
    from server import jobs, runner

    scheduler = None
    if not args.no_jobs and any(product.jobs for product in products):
        scheduler = jobs.Scheduler(products, lambda product: Settings.from_env(product.name).database_url)
        scheduler.start()
    try:
        return runner.serve(products, host=args.host, port=args.port, workers=args.workers)
    finally:
        if scheduler is not None:
            scheduler.stop()


if __name__ == "__main__":
    sys.exit(main())
