"""Settings.from_env: every bad value is refused with the variable's name."""

from __future__ import annotations

import pytest

from core.config import ConfigError, Settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ALTHAUS_ENV", "staging"),
        ("DATABASE_URL", "mysql://localhost/db"),
        ("REDIS_URL", "http://localhost:6379"),
        ("INTERNAL_TOKEN_SECRET", "too-short"),
        ("JWT_PRIVATE_KEY", "not a pem"),
        ("LOG_LEVEL", "LOUD"),
        ("CORS_ORIGINS", "example.com/path"),
        ("PORT", "70000"),
        ("SUBGRAPH_USERS_URL", "ftp://users"),
        ("REDIS_KEY_PREFIX", "has spaces"),
        ("GRAPHIQL_ENABLED", "maybe"),
    ],
)
def test_bad_value_raises_config_error_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")


def test_unset_variables_give_development_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.env == "development"
    assert settings.database_url is None and settings.redis_url is None
    assert settings.log_level == "INFO"
    assert settings.redis_prefix == "althaus:"


def test_redis_key_prefix_is_read_and_applied() -> None:
    settings = Settings.from_env({"REDIS_KEY_PREFIX": "tenant-a:"})
    assert settings.redis_key("sessions:1") == "tenant-a:sessions:1"
