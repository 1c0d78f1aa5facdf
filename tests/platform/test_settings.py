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


class TestSettingsErrors:
    """A bad value is one line per variable, naming it (the CLI prints it and exits 2)."""

    @pytest.mark.parametrize("env, message", [
        pytest.param({"RATE_LIMIT_SCALE": "abc"},
                     "RATE_LIMIT_SCALE='abc': input should be a valid number, unable to parse string as a number",
                     id="RATE_LIMIT_SCALE=abc"),
        pytest.param({"MAX_BODY_BYTES": "-1"}, "MAX_BODY_BYTES='-1': input should be greater than 0",
                     id="MAX_BODY_BYTES=-1"),
        pytest.param({"RATE_LIMITS": "maybe"},
                     "RATE_LIMITS='maybe': input should be a valid boolean, unable to interpret input",
                     id="RATE_LIMITS=maybe"),
        pytest.param({"SMTP_PORT": "70000"}, "SMTP_PORT='70000': input should be less than or equal to 65535",
                     id="SMTP_PORT=70000"),
        pytest.param({"APP_ENV": "production", "JWT_SECRET": "changeme"},
                     "JWT_SECRET: is a placeholder or shorter than 32 characters (production needs 32+)",
                     id="secret value not shown"),
    ])
    def test_one_line_naming_the_variable(self, env, message):
        with pytest.raises(SettingsError) as raised:
            Settings.from_env("looking", env={"JWT_SECRET": "s" * 40, **env})
        assert str(raised.value) == message

    def test_one_line_per_bad_variable(self):
        with pytest.raises(SettingsError) as raised:
            Settings.from_env("looking", env={"JWT_SECRET": "s" * 40, "MAX_BODY_BYTES": "0", "LOOKING_PORT": "x"})
        assert str(raised.value).splitlines() == [
            "LOOKING_PORT='x': input should be a valid integer, unable to parse string as an integer",
            "MAX_BODY_BYTES='0': input should be greater than 0",
        ]

    def test_empty_variables_take_the_default(self):
        settings = Settings.from_env("looking", env={"JWT_SECRET": "s" * 40, "RATE_LIMIT_SCALE": "",
                                                     "LOOKING_DATABASE_URL": " "})
        assert settings.rate_limit_scale == 1.0 and settings.database_url.startswith("sqlite:///")

    def test_overrides_are_validated_too(self):
        with pytest.raises(SettingsError) as raised:
            Settings.from_env("looking", env={"JWT_SECRET": "s" * 40}, max_body_bytes=-5)
        assert str(raised.value) == "setting max_body_bytes: Input should be greater than 0"


class TestDataDirectory:
    def test_defaults_to_var_in_the_working_directory(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        settings = Settings.from_env("looking", env={})
        assert settings.data_dir == tmp_path / "var"
        assert settings.database_url == f"sqlite:///{tmp_path}/var/looking.db"
        assert settings.storage_dir == tmp_path / "var" / "uploads" / "looking"
        assert (tmp_path / "var" / "looking.jwt-secret").read_text() == settings.jwt_secret

    def test_data_dir_moves_every_file(self, tmp_path):
        settings = Settings.from_env("ionora", env={"DATA_DIR": str(tmp_path / "data")})
        assert settings.database_url == f"sqlite:///{tmp_path}/data/ionora.db"
        assert settings.storage_dir == tmp_path / "data" / "uploads" / "ionora"
        assert len(settings.jwt_secret) >= 32

    def test_per_product_variables_win(self, tmp_path):
        settings = Settings.from_env("ionora", env={
            "DATA_DIR": str(tmp_path), "IONORA_STORAGE_DIR": "/srv/ionora", "IONORA_JWT_SECRET": "i" * 40,
            "JWT_SECRET": "g" * 40, "IONORA_PORT": "8002", "IONORA_FRONTEND_ORIGIN": "https://shop.example"})
        assert (str(settings.storage_dir), settings.jwt_secret, settings.port) == ("/srv/ionora", "i" * 40, 8002)
        assert settings.extra["IONORA_FRONTEND_ORIGIN"] == "https://shop.example"

    def test_secrets_stay_out_of_the_repr(self):
        settings = Settings.from_env("looking", env={"JWT_SECRET": "topsecret" * 5, "SMTP_PASSWORD": "hunter22"})
        assert "topsecret" not in repr(settings) and "hunter22" not in repr(settings)
        assert settings.mail["password"] == "hunter22"
