"""One typed settings object per product, read from the environment (pydantic-settings).

Every field names the environment variables it is read from, first match wins; ``{PRODUCT}`` stands
for the product's name in capitals (``LOOKING_DATABASE_URL``). Unset or empty variables take the
default. A bad value raises :class:`SettingsError` with one line per variable, naming it.

Adding a setting is one field in the group it belongs to::

    db_lock_timeout: PositiveFloat = setting(5.0, "DATABASE_LOCK_TIMEOUT")

Files the server writes (the SQLite databases, uploads, the development JWT secret) live under the
data directory: ``DATA_DIR``, by default ``var/`` in the current working directory.
"""
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development"}
# Browser clients' usual development origins (the web clients run `next dev` on port 3000).
DEV_CORS_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")
MiB = 1024 * 1024


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names the environment variable(s)."""


def setting(default=None, *variables, secret=False, **constraints):
    """A field read from the first set of ``variables`` (``{PRODUCT}`` is the product in capitals)."""
    return Field(default, json_schema_extra={"env": list(variables), "secret": secret}, repr=not secret,
                 **constraints)


def _comma_list(value):
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


def _origins(value):
    return tuple(origin.rstrip("/") for origin in _comma_list(value))


CommaList = Annotated[tuple[str, ...], BeforeValidator(_comma_list)]
Origins = Annotated[tuple[str, ...], BeforeValidator(_origins)]
Port = Annotated[int, Field(ge=1, le=65535)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="forbid", validate_default=True)

    product: str

    # --- environment and files
    environment: Literal["development", "test", "production"] = setting("development", "APP_ENV")
    data_dir: Path = setting(None, "DATA_DIR")   # default: ./var (filled in by _defaults)

    # --- database and tokens
    database_url: str = setting(None, "{PRODUCT}_DATABASE_URL")   # default: sqlite:///<data_dir>/<product>.db
    jwt_secret: str | None = setting(None, "{PRODUCT}_JWT_SECRET", "JWT_SECRET", secret=True)

    # --- database timeouts, seconds: opening a PostgreSQL connection (libpq's minimum is 2); one
    # PostgreSQL statement; waiting for a lock (SQLite's write lock, a PostgreSQL row lock, a pooled
    # connection). Past them the request is answered 503 with Retry-After.
    db_connect_timeout: float = setting(2.0, "DATABASE_CONNECT_TIMEOUT", gt=0)
    db_statement_timeout: float = setting(10.0, "DATABASE_STATEMENT_TIMEOUT", gt=0)
    db_lock_timeout: float = setting(5.0, "DATABASE_LOCK_TIMEOUT", gt=0)

    # --- serving
    port: Port | None = setting(None, "{PRODUCT}_PORT")          # default: the product's documented port
    public_url: str = setting("", "{PRODUCT}_PUBLIC_URL")
    validate_responses: bool = setting(False, "VALIDATE_RESPONSES")
    # CORS: whether browser calls may carry credentials (`fetch(..., {credentials: "include"})`, answered
    # with Access-Control-Allow-Credentials: true), and the origins whose browser code may call the API
    # (default: DEV_CORS_ORIGINS in development, none in production); `<PRODUCT>_CORS_ORIGINS` sets them
    # for one product (its web client's origin) ahead of the shared `CORS_ORIGINS`.
    cors_credentials: bool = setting(True, "CORS_CREDENTIALS")
    cors_origins: Origins = setting(None, "{PRODUCT}_CORS_ORIGINS", "CORS_ORIGINS")
    max_body_bytes: int = setting(8 * MiB, "MAX_BODY_BYTES", gt=0)

    # --- rate limits
    rate_limits: bool = setting(True, "RATE_LIMITS")
    rate_limit_scale: float = setting(1.0, "RATE_LIMIT_SCALE", gt=0)
    redis_url: str | None = setting(None, "REDIS_URL")
    rate_limit_key_prefix: str = setting("rl", "RATE_LIMIT_PREFIX")   # Redis keys: <prefix>:<product>:...
    # Socket.IO across workers (with REDIS_URL): Redis channel <prefix>-<product>
    socketio_channel_prefix: str = setting("socketio", "SOCKETIO_CHANNEL_PREFIX")

    # --- integrations
    storage_dir: Path = setting(None, "{PRODUCT}_STORAGE_DIR")    # default: <data_dir>/uploads/<product>
    smtp_host: str | None = setting(None, "SMTP_HOST")
    smtp_port: Port = setting(587, "SMTP_PORT")
    smtp_username: str | None = setting(None, "SMTP_USERNAME")
    smtp_password: str | None = setting(None, "SMTP_PASSWORD", secret=True)
    smtp_starttls: bool = setting(True, "SMTP_STARTTLS")
    mail_from: str | None = setting(None, "MAIL_FROM")           # default: no-reply@<product>.local
    # one-time sign-in codes (Invare): minutes a mailed code stays valid
    otp_ttl_minutes: int = setting(10, "{PRODUCT}_OTP_TTL_MINUTES", "OTP_TTL_MINUTES", gt=0, le=24 * 60)
    geocoder_url: str | None = setting(None, "GEOCODER_URL")
    geocoder_api_key: str | None = setting(None, "GEOCODER_API_KEY", secret=True)

    # --- operations: proxies whose X-Forwarded-For/-Proto `serve` trusts (none by default); who may read /metrics
    forwarded_allow_ips: CommaList = setting((), "FORWARDED_ALLOW_IPS")
    metrics_allow_ips: CommaList = setting(("127.0.0.1", "::1"), "METRICS_ALLOW_IPS")

    # every <PRODUCT>_* variable, for product-specific options read by server/products/<product>.py
    extra: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **_):
        return (init_settings,)   # the environment is read by from_env, for one product

    @classmethod
    def from_env(cls, product, env=None, **overrides):
        """The product's settings from ``env`` (default: ``os.environ``); ``overrides`` win."""
        source = ProductEnvironment(cls, product, os.environ if env is None else env)
        values = {**source(), **overrides, "product": product}
        try:
            return cls(**values)
        except ValidationError as exc:
            raise SettingsError(describe(exc, source, overrides)) from None

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, values):
        values = {k: v for k, v in values.items() if v is not None}
        product = values.get("product", "")
        data_dir = Path(values["data_dir"]).absolute() if values.get("data_dir") else default_data_dir({})
        values["data_dir"] = data_dir
        values.setdefault("database_url", f"sqlite:///{data_dir / (product + '.db')}")
        values.setdefault("storage_dir", data_dir / "uploads" / product)
        values.setdefault("mail_from", f"no-reply@{product}.local")
        production = values.get("environment", "development") == "production"
        values.setdefault("cors_origins", () if production else DEV_CORS_ORIGINS)
        if not values.get("jwt_secret") and values.get("environment", "development") != "production":
            values["jwt_secret"] = dev_secret(data_dir, f"{product}.jwt-secret")
        return values

    @field_validator("jwt_secret")
    @classmethod
    def _strong_in_production(cls, secret, info):
        if info.data.get("environment") != "production":
            return secret
        if not secret:
            raise ValueError("must be set in production")
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32:
            raise ValueError("is a placeholder or shorter than 32 characters (production needs 32+)")
        return secret

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_with_credentials_in_production(cls, origins, info):
        if info.data.get("environment") == "production" and info.data.get("cors_credentials") and "*" in origins:
            raise ValueError("'*' cannot be combined with credentials in production: list the web clients' "
                             "origins (or set CORS_CREDENTIALS=off)")
        return origins

    @property
    def is_production(self):
        return self.environment == "production"

    @property
    def rate_limit_prefix(self):
        return f"{self.rate_limit_key_prefix}:{self.product}"

    @property
    def mail(self):
        return {"host": self.smtp_host, "port": self.smtp_port, "username": self.smtp_username,
                "password": self.smtp_password, "sender": self.mail_from, "starttls": self.smtp_starttls}

    @property
    def geocoder(self):
        return {"url": self.geocoder_url, "api_key": self.geocoder_api_key}


class ProductEnvironment(PydanticBaseSettingsSource):
    """The raw values of one product's settings: each field from the first of its variables that is set
    and not empty. ``origin`` remembers which variable a value came from (for error messages)."""

    def __init__(self, settings_cls, product, env):
        super().__init__(settings_cls)
        self.product = product
        self.env = env
        self.origin = {}

    def variables(self, field_name):
        extra = self.settings_cls.model_fields[field_name].json_schema_extra or {}
        return [name.format(PRODUCT=self.product.upper()) for name in extra.get("env", ())]

    def get_field_value(self, field, field_name):
        for name in self.variables(field_name):
            value = self.env.get(name)
            if value is not None and value.strip() != "":
                return value, name, False
        return None, field_name, False

    def __call__(self):
        values = {}
        for field_name, field in self.settings_cls.model_fields.items():
            value, name, _ = self.get_field_value(field, field_name)
            if value is not None:
                values[field_name] = value
                self.origin[field_name] = name
        prefix = self.product.upper() + "_"
        values["extra"] = {k: v for k, v in self.env.items() if k.startswith(prefix)}
        return values


def describe(error, source, overrides):
    """One line per offending setting, naming its environment variable (or the keyword argument)."""
    lines = []
    for item in error.errors():
        field_name = str(item["loc"][0]) if item["loc"] else ""
        field = source.settings_cls.model_fields.get(field_name)
        secret = bool(field and (field.json_schema_extra or {}).get("secret"))
        message = item["msg"].removeprefix("Value error, ")
        if field_name in source.origin and field_name not in overrides:
            name = source.origin[field_name]
            shown = "" if secret else f"={source.env[name]!r}"
            lines.append(f"{name}{shown}: {message[:1].lower() + message[1:]}")
        elif not field_name:
            lines.append(message)
        elif field_name in overrides or not source.variables(field_name):
            lines.append(f"setting {field_name or '?'}: {message}")
        else:
            names = source.variables(field_name)
            alternatives = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
            lines.append(f"{names[0]}{alternatives}: {message}")
    return "\n".join(lines)


def default_data_dir(env=None):
    """``DATA_DIR``, else ``var/`` in the current working directory."""
    env = os.environ if env is None else env
    return Path(env.get("DATA_DIR") or Path.cwd() / "var").absolute()


def dev_secret(data_dir, filename):
    """A development secret generated once into the data directory (readable only by its owner), so
    restarts, every worker and the signing commands share one value; never a constant."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / filename
    if not path.exists():
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass  # another process made it first
    return path.read_text().strip()


__all__ = ["Settings", "SettingsError", "default_data_dir", "dev_secret", "setting"]
