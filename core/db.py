"""The database connection: one pooled SQLAlchemy async engine (asyncpg) per process."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)
from sqlalchemy.ext.asyncio import (
    create_async_engine as _create_async_engine,
)

from core.config import ConfigError

# libpq options asyncpg does not understand, mapped to what it does (or dropped).
_SSLMODE_TO_ASYNCPG = {
    "disable": "disable",
    "allow": "allow",
    "prefer": "prefer",
    "require": "require",
    "verify-ca": "verify-ca",
    "verify-full": "verify-full",
}


def asyncpg_url(url: str) -> str:
    """`postgresql://...` (any libpq-style form, unix-socket `?host=/dir` included) as
    `postgresql+asyncpg://...` with query options asyncpg understands."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme.split("+", 1)[0] not in ("postgres", "postgresql"):
        raise ConfigError("DATABASE_URL", f"must be a postgresql:// URL, got scheme {scheme!r}")
    query: list[tuple[str, str]] = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "sslmode":
            query.append(("ssl", _SSLMODE_TO_ASYNCPG.get(value, value)))
        elif key in ("connect_timeout", "application_name"):
            continue
        else:
            query.append((key, value))
    return urlunsplit(("postgresql+asyncpg", parts.netloc, parts.path, urlencode(query), ""))


def plain_url(url: str) -> str:
    """The libpq form (`postgresql://`) of a URL, as asyncpg.connect and psql accept it."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    """A pooled async engine over asyncpg. Create one per process and share it."""
    return _create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (no implicit refresh I/O)."""
    return async_sessionmaker(engine, expire_on_commit=False)
