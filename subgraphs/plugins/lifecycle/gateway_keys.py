"""The API key a plugin's process calls the gateway back with, scoped to what it was granted.

Issued when its process starts (the previous one revoked), revoked when it stops serving. The
key's role is `viewer`; its scopes are the manifest's capabilities and `plugin:<name>`, so the
gateway's `@requiresScopes` decides what the plugin may read. Only the key's SHA-256 is stored,
as for every API key; the key itself exists only in the plugin's process.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

ROLE = "viewer"
_SCOPE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def key_name(plugin: str) -> str:
    return f"plugin:{plugin}"


def scopes_for(plugin: str, capabilities: Iterable[str]) -> list[str]:
    wanted = {f"plugin:{plugin}", *capabilities}
    return sorted(s for s in wanted if _SCOPE.match(s) and not s.startswith("role:"))


async def issue(engine: AsyncEngine, plugin: str, capabilities: Iterable[str]) -> str:
    """A new key for `plugin` (any earlier one revoked in the same transaction)."""
    prefix = secrets.token_hex(4)
    key = f"ak_{prefix}_{secrets.token_urlsafe(32)}"
    async with engine.begin() as conn:
        await _revoke(conn, plugin)
        await conn.execute(
            text(
                "INSERT INTO public.api_keys (name, prefix, key_hash, role, scopes)"
                " VALUES (:name, :prefix, :hash, :role, :scopes)"
            ),
            {
                "name": key_name(plugin),
                "prefix": prefix,
                "hash": hashlib.sha256(key.encode()).hexdigest(),
                "role": ROLE,
                "scopes": scopes_for(plugin, capabilities),
            },
        )
    return key


async def revoke(engine: AsyncEngine, plugin: str) -> None:
    async with engine.begin() as conn:
        await _revoke(conn, plugin)


async def _revoke(conn: AsyncConnection, plugin: str) -> None:
    await conn.execute(
        text(
            "UPDATE public.api_keys SET revoked_at = now()"
            " WHERE name = :name AND revoked_at IS NULL"
        ),
        {"name": key_name(plugin)},
    )
