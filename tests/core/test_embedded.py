"""core.embedded.resolve: fills development gaps, refuses them in production."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from core import embedded_redis
from core import redis as core_redis
from core.config import ConfigError, Settings
from core.embedded import resolve
from core.secrets import new_jwt_private_key

_COMPLETE = {
    "ALTHAUS_ENV": "production",
    "DATABASE_URL": "postgresql://db.internal/althaus",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "INTERNAL_TOKEN_SECRET": "x" * 40,
    "JWT_PRIVATE_KEY": new_jwt_private_key(),
}


@pytest.mark.parametrize(
    "missing", ["DATABASE_URL", "REDIS_URL", "INTERNAL_TOKEN_SECRET", "JWT_PRIVATE_KEY"]
)
def test_production_refuses_a_missing_setting_naming_it(missing: str, tmp_path: Path) -> None:
    environ = {k: v for k, v in _COMPLETE.items() if k != missing}
    environ["ALTHAUS_DATA_DIR"] = str(tmp_path)
    with pytest.raises(ConfigError) as caught:
        resolve(Settings.from_env(environ))
    assert caught.value.variable == missing
    assert "production" in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # nothing started, nothing generated


def test_production_with_everything_set_is_returned_unchanged(tmp_path: Path) -> None:
    settings = Settings.from_env({**_COMPLETE, "ALTHAUS_DATA_DIR": str(tmp_path)})
    assert resolve(settings) is settings


def test_development_generates_secrets_once_into_the_data_dir(tmp_path: Path) -> None:
    base = Settings(database_url="postgresql://h/db", redis_url="redis://h", data_dir=tmp_path)
    first = resolve(base)
    second = resolve(base)
    assert first.internal_token_secret == second.internal_token_secret
    assert first.jwt_private_key == second.jwt_private_key
    assert first.jwt_private_key is not None and "PRIVATE KEY" in first.jwt_private_key
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_secrets_given_in_the_environment_are_kept(tmp_path: Path) -> None:
    base = Settings(
        database_url="postgresql://h/db",
        redis_url="redis://h",
        internal_token_secret="s" * 40,
        jwt_private_key="-----BEGIN PRIVATE KEY-----",
        data_dir=tmp_path,
    )
    assert resolve(base) is base
    assert list(tmp_path.iterdir()) == []


def test_embedded_redis_starts_in_the_data_dir_and_stops_with_its_last_holder(
    tmp_path: Path,
) -> None:
    server = embedded_redis.EmbeddedRedis(tmp_path / "redis")
    server.start()
    try:
        assert server.socket_path.exists()

        async def round_trip() -> bytes | None:
            client = core_redis.connect(server.url)
            try:
                await client.set("k", b"v")
                value: bytes | None = await client.get("k")
                return value
            finally:
                await client.aclose()

        assert asyncio.run(round_trip()) == b"v"
    finally:
        server.release()
    assert not server._answers()
