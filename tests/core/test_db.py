"""Database URLs: libpq forms become asyncpg URLs; anything else is refused."""

from __future__ import annotations

import pytest

from core.config import ConfigError
from core.db import asyncpg_url, database_name, plain_url, with_database


def test_socket_url_from_pgserver_keeps_its_host_directory() -> None:
    url = asyncpg_url("postgresql://postgres:@/postgres?host=/data/postgres")
    assert url == "postgresql+asyncpg://postgres:@/postgres?host=%2Fdata%2Fpostgres"


def test_tcp_url_gets_the_asyncpg_dialect_and_ssl_option() -> None:
    url = asyncpg_url("postgres://u:p@db.internal:5433/app?sslmode=require")
    assert url == "postgresql+asyncpg://u:p@db.internal:5433/app?ssl=require"


def test_non_postgres_url_is_a_config_error_naming_database_url() -> None:
    with pytest.raises(ConfigError) as caught:
        asyncpg_url("mysql://localhost/app")
    assert caught.value.variable == "DATABASE_URL"


def test_with_database_swaps_only_the_database_name() -> None:
    url = with_database("postgresql://postgres:@/postgres?host=/d", "althaus_x")
    assert url == "postgresql://postgres:@/althaus_x?host=/d"
    assert database_name(url) == "althaus_x"
    assert plain_url("postgresql+asyncpg://h/db") == "postgresql://h/db"


def test_url_naming_another_driver_is_served_by_asyncpg() -> None:
    assert asyncpg_url("postgresql+psycopg://h/db") == "postgresql+asyncpg://h/db"
