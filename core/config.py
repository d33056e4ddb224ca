"""Settings: read from the environment in this one place, validated at start.

A bad value raises `ConfigError` naming the variable and what is wrong; the CLI prints that one
line and exits. Secrets that are unset in development are filled in later by
`core.embedded.resolve` (generated once into `.data/`); in production they are required.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

ENVIRONMENTS: Final = ("development", "test", "production")
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
CORE_SUBGRAPHS: Final[dict[str, int]] = {
    "users": 4001,
    "system": 4002,
    "analytics": 4003,
    "plugins": 4004,
}
GATEWAY_PORT: Final = 4000
_SUBGRAPH_VAR = re.compile(r"^SUBGRAPH_([A-Z][A-Z0-9_]*)_URL$")
_SUBGRAPH_TIMEOUT_VAR = re.compile(r"^SUBGRAPH_([A-Z][A-Z0-9_]*)_TIMEOUT_SECONDS$")


class ConfigError(Exception):
    """One configuration variable has a bad value."""

    code = "CONFIG_INVALID"

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    """Every setting of the platform. Build with `Settings.from_env()`."""

    env: str = "development"
    database_url: str | None = None
    redis_url: str | None = None
    internal_token_secret: str | None = None
    jwt_private_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    data_dir: Path = Path(".data")
    host: str = "127.0.0.1"
    port: int = GATEWAY_PORT
    subgraph_urls: dict[str, str] = field(default_factory=dict)
    jwt_issuer: str = "althaus"
    jwt_audience: str = "althaus"
    graphiql_enabled: bool | None = None
    subgraph_timeout_seconds: float = 30.0
    subgraph_timeouts: dict[str, float] = field(default_factory=dict)
    """Per-subgraph overrides of `subgraph_timeout_seconds` (lower-case name -> seconds)."""
    redis_prefix: str = "althaus:"
    """Every Redis key and pub/sub channel starts with this (tests use a random one per run)."""

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def graphiql(self) -> bool:
        """GraphiQL is on in development, off in production unless enabled explicitly."""
        return (
            self.graphiql_enabled if self.graphiql_enabled is not None else not self.is_production
        )

    def subgraph_url(self, name: str) -> str:
        """The URL of a subgraph: `SUBGRAPH_<NAME>_URL`, else its default local port."""
        if name in self.subgraph_urls:
            return self.subgraph_urls[name]
        port = CORE_SUBGRAPHS.get(name)
        if port is None:
            raise ConfigError(f"SUBGRAPH_{name.upper()}_URL", "not set and no default port known")
        return f"http://127.0.0.1:{port}/graphql"

    def subgraph_timeout(self, name: str) -> float:
        """`SUBGRAPH_<NAME>_TIMEOUT_SECONDS`, else `SUBGRAPH_TIMEOUT_SECONDS`."""
        return self.subgraph_timeouts.get(name.lower(), self.subgraph_timeout_seconds)

    def redis_key(self, name: str) -> str:
        """A Redis key or channel name inside this platform's prefix."""
        return f"{self.redis_prefix}{name}"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value is not None and value.strip() != "" else None

        mode = (get("ALTHAUS_ENV") or "development").lower()
        if mode not in ENVIRONMENTS:
            raise ConfigError(
                "ALTHAUS_ENV", f"must be one of {', '.join(ENVIRONMENTS)}, got {mode!r}"
            )

        database_url = get("DATABASE_URL")
        if database_url is not None and not re.match(r"^postgres(ql)?(\+\w+)?://", database_url):
            raise ConfigError("DATABASE_URL", "must be a postgresql:// URL")
        redis_url = get("REDIS_URL")
        if redis_url is not None and not re.match(r"^(rediss?|unix)://", redis_url):
            raise ConfigError("REDIS_URL", "must be a redis://, rediss:// or unix:// URL")

        secret = get("INTERNAL_TOKEN_SECRET")
        if secret is not None and len(secret.encode()) < 32:
            raise ConfigError("INTERNAL_TOKEN_SECRET", "must be at least 256 bits (32 bytes)")

        private_key = get("JWT_PRIVATE_KEY")
        if private_key is not None:
            _check_ed25519_private_key(private_key)

        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise ConfigError("LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}, got {level!r}")

        origins: tuple[str, ...] = ()
        raw_origins = get("CORS_ORIGINS")
        if raw_origins:
            origins = tuple(o.strip().rstrip("/") for o in raw_origins.split(",") if o.strip())
            for origin in origins:
                if origin != "*" and not re.match(r"^https?://[^/\s]+$", origin):
                    raise ConfigError(
                        "CORS_ORIGINS", f"{origin!r} is not an origin like https://example.com"
                    )

        subgraph_urls: dict[str, str] = {}
        for name, value in env.items():
            match = _SUBGRAPH_VAR.match(name)
            if match and value.strip():
                if not re.match(r"^(https?|unix)://", value.strip()):
                    raise ConfigError(name, "must be an http://, https:// or unix:// URL")
                subgraph_urls[match.group(1).lower()] = value.strip()
        subgraph_timeouts: dict[str, float] = {}
        for name in env:
            match = _SUBGRAPH_TIMEOUT_VAR.match(name)
            raw_seconds = get(name) if match else None
            if match and raw_seconds is not None:
                subgraph_timeouts[match.group(1).lower()] = _float(raw_seconds, name, 0.0)

        port = _int(get("PORT"), "PORT", GATEWAY_PORT, 1, 65535)
        timeout = _float(get("SUBGRAPH_TIMEOUT_SECONDS"), "SUBGRAPH_TIMEOUT_SECONDS", 30.0)
        graphiql_raw = get("GRAPHIQL_ENABLED")
        graphiql: bool | None = None
        if graphiql_raw is not None:
            graphiql = _bool(graphiql_raw, "GRAPHIQL_ENABLED")

        prefix = get("REDIS_KEY_PREFIX") or "althaus:"
        if not re.match(r"^[A-Za-z0-9_.:-]{1,64}$", prefix):
            raise ConfigError("REDIS_KEY_PREFIX", "use 1-64 letters, digits, '_', '.', ':' or '-'")

        return cls(
            env=mode,
            database_url=database_url,
            redis_url=redis_url,
            internal_token_secret=secret,
            jwt_private_key=private_key,
            cors_origins=origins,
            log_level=level,
            data_dir=Path(get("ALTHAUS_DATA_DIR") or ".data"),
            host=get("HOST") or "127.0.0.1",
            port=port,
            subgraph_urls=subgraph_urls,
            graphiql_enabled=graphiql,
            subgraph_timeout_seconds=timeout,
            subgraph_timeouts=subgraph_timeouts,
            redis_prefix=prefix,
        )


def _check_ed25519_private_key(pem: str) -> None:
    """JWT_PRIVATE_KEY must load as an unencrypted Ed25519 private key: access tokens are
    EdDSA, and a key that cannot sign them should stop start-up, not the first login."""
    # Imported here so that commands which never read the key (`--help`) stay quick.
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    name = "JWT_PRIVATE_KEY"
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except TypeError:
        raise ConfigError(name, "is encrypted with a password; give the key unencrypted") from None
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigError(
            name,
            "is not a readable PEM private key; give a PEM Ed25519 private key "
            "(openssl genpkey -algorithm ed25519)",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        kind = type(key).__name__.replace("PrivateKey", "") or "another type"
        raise ConfigError(
            name,
            f"is not an Ed25519 private key (it is {kind}); access tokens are signed with "
            "EdDSA: generate one with openssl genpkey -algorithm ed25519",
        )


def _int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low} and {high}, got {value}")
    return value


def _float(raw: str | None, name: str, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"must be a number, got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(name, f"must be a positive number, got {raw!r}")
    return value


def _bool(raw: str, name: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(name, f"must be true or false, got {raw!r}")
