"""Core migrations: the contract's tables and columns, idempotence, the append-only audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.audit_chain import AuditEntry, append
from core.migrate import current_revision, head_revision, migrate
from core.resources import Resources

# /work/briefs/database.md: exactly these columns.
CONTRACT: dict[str, list[str]] = {
    "public.users": [
        "id", "email", "username", "password_hash", "role", "is_active", "created_at",
        "updated_at", "last_login",
    ],
    "public.refresh_tokens": [
        "id", "user_id", "family_id", "token_hash", "created_at", "expires_at", "used_at",
        "revoked_at", "ip", "user_agent",
    ],
    "public.api_keys": [
        "id", "name", "prefix", "key_hash", "role", "scopes", "created_by", "created_at",
        "last_used_at", "expires_at", "revoked_at",
    ],
    "system.system_settings": ["key", "value", "updated_by", "updated_at"],
    "system.plugin_registry": [
        "id", "name", "version", "display_name", "description", "author", "status", "checksum",
        "signature", "manifest", "error", "installed_by", "installed_at", "updated_at",
        "activated_at",
    ],
    "system.supergraph_versions": [
        "version", "sdl", "hash", "subgraphs", "created_by", "reason", "created_at",
    ],
    "audit.audit_log": [
        "id", "created_at", "user_id", "action", "resource_type", "resource_id", "details", "ip",
        "user_agent", "request_id", "prev_hash", "hash",
    ],
}  # fmt: skip

_SNAPSHOT = text(
    "SELECT table_schema || '.' || table_name, column_name, data_type, is_nullable,"
    " coalesce(column_default, '') FROM information_schema.columns"
    " WHERE table_schema IN ('public', 'system', 'audit', 'analytics')"
    " ORDER BY 1, ordinal_position"
)


async def _columns(resources: Resources) -> list[tuple[str, ...]]:
    async with resources.engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(_SNAPSHOT)).all()]


@pytest.mark.parametrize("table", sorted(CONTRACT))
async def test_table_has_exactly_the_contract_columns(resources: Resources, table: str) -> None:
    columns = [c[1] for c in await _columns(resources) if c[0] == table]
    assert columns == CONTRACT[table]


async def test_analytics_schema_exists(resources: Resources) -> None:
    async with resources.engine.connect() as connection:
        found = await connection.execute(
            text("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'analytics'")
        )
        assert found.first() is not None


async def test_second_migration_applies_nothing_and_changes_nothing(
    resources: Resources, database_url: str
) -> None:
    before = await _columns(resources)
    assert await migrate(database_url) == []
    assert await _columns(resources) == before
    assert await current_revision(database_url) == head_revision()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit.audit_log SET action = 'tampered'",
        "DELETE FROM audit.audit_log",
        "TRUNCATE audit.audit_log",
    ],
)
async def test_audit_log_refuses_update_delete_and_truncate(
    resources: Resources, statement: str
) -> None:
    async with resources.engine.begin() as connection:
        await append(connection, AuditEntry(action="test.append_only", resource_type="test"))
    with pytest.raises(DBAPIError, match="append-only"):
        async with resources.engine.begin() as connection:
            await connection.execute(text(statement))


async def test_users_refuse_a_role_outside_the_assignable_ones(resources: Resources) -> None:
    with pytest.raises(DBAPIError, match="check"):
        async with resources.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO public.users (email, username, password_hash, role)"
                    " VALUES ('r@example.com', 'rolecheck', 'x', 'guest')"
                )
            )
