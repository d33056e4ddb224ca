"""`althaus audit verify`: intact chain with its row count, or the first tampered row."""

from __future__ import annotations

import secrets

import asyncpg

from core import db
from core.audit_chain import AuditEntry, append
from core.config import Settings
from core.db import create_engine
from tests.cli.conftest import Run


async def _append_rows(url: str, count: int) -> None:
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as connection:
            for n in range(count):
                entry = AuditEntry(action="test.row", resource_type="test", details={"n": n})
                await append(connection, entry)
    finally:
        await engine.dispose()


async def test_intact_chain_reports_the_row_count(althaus: Run, scratch_database_url: str) -> None:
    await _append_rows(scratch_database_url, 3)
    result = althaus("audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Audit chain intact: 3 rows verified."


async def test_tampered_row_is_reported_with_exit_1(
    althaus: Run, scratch_database_url: str
) -> None:
    await _append_rows(scratch_database_url, 4)
    # A superuser can switch the trigger off; the hash chain still gives the change away.
    admin = await asyncpg.connect(db.plain_url(scratch_database_url))
    try:
        second = await admin.fetchval("SELECT id FROM audit.audit_log ORDER BY id OFFSET 1 LIMIT 1")
        await admin.execute("ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only")
        await admin.execute(
            "UPDATE audit.audit_log SET details = '{\"n\": 99}' WHERE id = $1", second
        )
        await admin.execute("ALTER TABLE audit.audit_log ENABLE TRIGGER audit_log_append_only")
    finally:
        await admin.close()
    result = althaus("audit", "verify")
    assert result.returncode == 1
    assert f"BROKEN at row id {second}" in result.stdout
    assert "changed" in result.stdout


async def test_deleted_middle_row_breaks_the_link_of_the_next(
    althaus: Run, scratch_database_url: str
) -> None:
    await _append_rows(scratch_database_url, 3)
    admin = await asyncpg.connect(db.plain_url(scratch_database_url))
    try:
        ids = [r["id"] for r in await admin.fetch("SELECT id FROM audit.audit_log ORDER BY id")]
        await admin.execute("ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only")
        await admin.execute("DELETE FROM audit.audit_log WHERE id = $1", ids[1])
        await admin.execute("ALTER TABLE audit.audit_log ENABLE TRIGGER audit_log_append_only")
    finally:
        await admin.close()
    result = althaus("audit", "verify")
    assert result.returncode == 1
    assert f"BROKEN at row id {ids[2]}" in result.stdout


def test_empty_log_is_intact(althaus: Run) -> None:
    result = althaus("audit", "verify")
    assert result.returncode == 0
    assert "0 rows verified" in result.stdout


async def test_rows_written_by_the_subgraph_kit_verify_as_intact(
    althaus: Run, scratch_database_url: str
) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    from subgraphs.kit import audit

    engine = create_engine(scratch_database_url, pool_size=1, max_overflow=0)
    try:
        async with AsyncSession(engine) as session, session.begin():
            await audit.record(session, "setting.update", "setting", "site.name", {"to": "A"})
        await _append_rows(scratch_database_url, 1)
        async with AsyncSession(engine) as session, session.begin():
            await audit.record(session, "setting.update", "setting", "site.name", {"to": "B"})
    finally:
        await engine.dispose()
    result = althaus("audit", "verify")
    assert result.returncode == 0, result.stdout
    assert "3 rows verified" in result.stdout


def test_unreachable_database_is_one_line_and_exit_1(althaus: Run) -> None:
    result = althaus("audit", "verify", DATABASE_URL="postgresql://postgres@127.0.0.1:1/none")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("althaus: cannot use the database")
    assert "Traceback" not in result.stderr


async def test_unmigrated_database_says_to_run_migrate(althaus: Run, settings: Settings) -> None:
    assert settings.database_url is not None
    name = f"althaus_test_empty_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(db.plain_url(settings.database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        result = althaus(
            "audit", "verify", DATABASE_URL=db.with_database(settings.database_url, name)
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    assert result.returncode == 1
    assert "run `althaus migrate`" in result.stderr
    assert "Traceback" not in result.stderr
