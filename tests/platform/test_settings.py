"""Settings come from the environment and refuse placeholder secrets in production."""
import pytest

from server.settings import Settings, SettingsError


class TestSettings:
    def test_defaults_to_a_sqlite_file_per_product(self):
        settings = Settings.from_env("looking", env={"JWT_SECRET": "s" * 40})
        assert settings.database_url.endswith("/var/looking.db")
        assert settings.database_url.startswith("sqlite:///")
        assert (settings.rate_limits, settings.validate_responses) == (True, False)

    def test_reads_the_product_database_url_and_flags(self):
        settings = Settings.from_env("looking", env={
            "LOOKING_DATABASE_URL": "postgresql+psycopg://db/looking", "JWT_SECRET": "s" * 40,
            "RATE_LIMITS": "off", "VALIDATE_RESPONSES": "1", "REDIS_URL": "redis://127.0.0.1:6379/0"})
        assert settings.database_url == "postgresql+psycopg://db/looking"
        assert (settings.rate_limits, settings.validate_responses) == (False, True)
        assert settings.redis_url == "redis://127.0.0.1:6379/0"

    @pytest.mark.parametrize("env", [
        pytest.param({"APP_ENV": "production"}, id="no secret"),
        pytest.param({"APP_ENV": "production", "JWT_SECRET": "changeme"}, id="placeholder"),
        pytest.param({"APP_ENV": "production", "LOOKING_JWT_SECRET": "short"}, id="too short"),
    ])
    def test_production_refuses_weak_secrets(self, env):
        with pytest.raises(SettingsError):
            Settings.from_env("looking", env=env)

    def test_production_accepts_a_real_secret(self):
        settings = Settings.from_env("looking", env={"APP_ENV": "production", "LOOKING_JWT_SECRET": "k" * 48})
        assert settings.is_production and settings.jwt_secret == "k" * 48


class TestCorsSettings:
    """Browser clients fetch with credentials; CORS answers listed origins with credentials allowed."""

    def test_development_default_is_the_web_clients_usual_origins(self):
        settings = Settings.from_env("ionora", env={"JWT_SECRET": "s" * 40})
        assert settings.cors_origins == ("http://localhost:3000", "http://127.0.0.1:3000")
        assert settings.cors_credentials is True

    def test_an_explicit_list(self):
        settings = Settings.from_env("ionora", env={"JWT_SECRET": "s" * 40,
                                                    "CORS_ORIGINS": "https://shop.example/, http://127.0.0.1:13000"})
        assert settings.cors_origins == ("https://shop.example", "http://127.0.0.1:13000")
        assert settings.cors_credentials is True

    def test_production_default_allows_no_other_origin(self):
        settings = Settings.from_env("ionora", env={"APP_ENV": "production", "IONORA_JWT_SECRET": "k" * 48})
        assert settings.cors_origins == ()

    def test_production_refuses_a_wildcard_with_credentials(self):
        with pytest.raises(SettingsError, match="CORS_ORIGINS"):
            Settings.from_env("ionora", env={"APP_ENV": "production", "IONORA_JWT_SECRET": "k" * 48,
                                             "CORS_ORIGINS": "*"})

    def test_production_allows_a_wildcard_without_credentials(self):
        settings = Settings.from_env("ionora", env={"APP_ENV": "production", "IONORA_JWT_SECRET": "k" * 48,
                                                    "CORS_ORIGINS": "*", "CORS_CREDENTIALS": "off"})
        assert (settings.cors_origins, settings.cors_credentials) == (("*",), False)
