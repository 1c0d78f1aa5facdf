"""One typed settings object per product, read from the environment."""
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development"}
# Browser clients' usual development origins (the web clients run `next dev` on port 3000).
DEV_CORS_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")


class SettingsError(RuntimeError):
    pass


def _flag(value, default):
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "off", "no", "")


@dataclass(frozen=True)
class Settings:
    product: str
    database_url: str
    jwt_secret: str
    environment: str = "development"
    validate_responses: bool = False
    rate_limits: bool = True
    rate_limit_scale: float = 1.0
    redis_url: str | None = None
    rate_limit_prefix: str = ""  # Redis key prefix: RATE_LIMIT_PREFIX (default "rl") + ":" + product
    # CORS: the origins whose browser code may call the API, and whether those calls may carry
    # credentials (`fetch(..., {credentials: "include"})`; answered with
    # Access-Control-Allow-Credentials: true). CORS_ORIGINS (comma-separated; unset: DEV_CORS_ORIGINS in
    # development, none in production), CORS_CREDENTIALS (default on).
    cors_origins: tuple = DEV_CORS_ORIGINS
    cors_credentials: bool = True
    max_body_bytes: int = 8 * 1024 * 1024
    # Database timeouts, seconds: opening a PostgreSQL connection (libpq's minimum is 2); one PostgreSQL
    # statement; waiting for a lock (SQLite's write lock, a PostgreSQL row lock, a pooled connection).
    # Past them the request is answered 503 with Retry-After.
    db_connect_timeout: float = 2.0
    db_statement_timeout: float = 10.0
    db_lock_timeout: float = 5.0
    public_url: str = ""
    storage_dir: Path = VAR / "uploads"
    mail: dict = field(default_factory=dict)
    geocoder: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def is_production(self):
        return self.environment == "production"

    @classmethod
    def from_env(cls, product, env=None, **overrides):
        env = os.environ if env is None else env
        up = product.upper()
        environment = env.get("APP_ENV", "development")
        secret = env.get(f"{up}_JWT_SECRET") or env.get("JWT_SECRET")
        if not secret:
            if environment == "production":
                raise SettingsError(f"{up}_JWT_SECRET (or JWT_SECRET) must be set in production")
            secret = _dev_secret(product)
        elif environment == "production" and (secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32):
            raise SettingsError(f"{up}_JWT_SECRET is a placeholder or shorter than 32 characters")
        cors_origins = _cors_origins(env.get("CORS_ORIGINS"), environment)
        cors_credentials = _flag(env.get("CORS_CREDENTIALS"), True)
        if environment == "production" and cors_credentials and "*" in cors_origins:
            raise SettingsError("CORS_ORIGINS='*' cannot be combined with credentials in production: "
                                "list the web clients' origins (or set CORS_CREDENTIALS=off)")
        values = dict(
            product=product,
            database_url=env.get(f"{up}_DATABASE_URL") or f"sqlite:///{VAR / (product + '.db')}",
            jwt_secret=secret,
            environment=environment,
            validate_responses=_flag(env.get("VALIDATE_RESPONSES"), False),
            rate_limits=_flag(env.get("RATE_LIMITS"), True),
            rate_limit_scale=float(env.get("RATE_LIMIT_SCALE", "1")),
            redis_url=env.get("REDIS_URL") or None,
            rate_limit_prefix=f"{env.get('RATE_LIMIT_PREFIX') or 'rl'}:{product}",
            cors_origins=cors_origins,
            cors_credentials=cors_credentials,
            max_body_bytes=int(env.get("MAX_BODY_BYTES", str(8 * 1024 * 1024))),
            db_connect_timeout=float(env.get("DATABASE_CONNECT_TIMEOUT", "2")),
            db_statement_timeout=float(env.get("DATABASE_STATEMENT_TIMEOUT", "10")),
            db_lock_timeout=float(env.get("DATABASE_LOCK_TIMEOUT", "5")),
            public_url=env.get(f"{up}_PUBLIC_URL", ""),
            storage_dir=Path(env.get(f"{up}_STORAGE_DIR") or VAR / "uploads" / product),
            mail={
                "host": env.get("SMTP_HOST"),
                "port": int(env.get("SMTP_PORT", "587")),
                "username": env.get("SMTP_USERNAME"),
                "password": env.get("SMTP_PASSWORD"),
                "sender": env.get("MAIL_FROM", f"no-reply@{product}.local"),
                "starttls": _flag(env.get("SMTP_STARTTLS"), True),
            },
            geocoder={
                "url": env.get("GEOCODER_URL"),
                "api_key": env.get("GEOCODER_API_KEY"),
            },
            extra={k: v for k, v in env.items() if k.startswith(up + "_")},
        )
        values.update(overrides)
        return cls(**values)


def _cors_origins(value, environment):
    if value is None:
        return DEV_CORS_ORIGINS if environment != "production" else ()
    return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())


def _dev_secret(product):
    """A development secret generated once into var/ so tokens survive restarts."""
    VAR.mkdir(exist_ok=True)
    path = VAR / f"{product}.jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
