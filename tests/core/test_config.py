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


@pytest.mark.parametrize("value", ["soon", "0", "-1", "nan", "inf"])
def test_bad_subgraph_timeout_names_its_variable(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"SUBGRAPH_REVIEWS_TIMEOUT_SECONDS": value})
    assert caught.value.variable == "SUBGRAPH_REVIEWS_TIMEOUT_SECONDS"


def test_subgraph_timeout_falls_back_to_the_global_one() -> None:
    settings = Settings.from_env(
        {"SUBGRAPH_TIMEOUT_SECONDS": "12", "SUBGRAPH_PRODUCT_REVIEWS_TIMEOUT_SECONDS": "2.5"}
    )
    assert settings.subgraph_timeout("product_reviews") == 2.5
    assert settings.subgraph_timeout("PRODUCT_REVIEWS") == 2.5
    assert settings.subgraph_timeout("users") == 12.0
    assert settings.subgraph_urls == {}
