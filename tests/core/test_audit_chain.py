"""The audit chain: rows link by hash; verification finds the first row that does not."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from core.audit_chain import GENESIS_HASH, AuditEntry, append, row_hash, verify_chain
from core.resources import Resources


def test_row_hash_changes_with_any_hashed_column() -> None:
    row = {
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "user_id": uuid.UUID(int=1),
        "action": "user.login",
        "resource_type": "user",
        "resource_id": "1",
        "details": {"a": 1},
        "ip": None,
        "user_agent": None,
        "request_id": "r",
    }
    base = row_hash(row, GENESIS_HASH)
    assert row_hash(dict(row), GENESIS_HASH) == base
    assert row_hash({**row, "details": {"a": 2}}, GENESIS_HASH) != base
    assert row_hash(row, "1" * 64) != base


async def test_appended_rows_chain_and_verify(resources: Resources) -> None:
    async with resources.engine.begin() as connection:
        first = await append(connection, AuditEntry(action="test.one", resource_type="test"))
        second = await append(
            connection,
            AuditEntry(
                action="test.two",
                resource_type="test",
                user_id=str(uuid.uuid4()).upper(),
                details={"z": [1, 2.5, "x"], "a": None},
                request_id="req",
            ),
        )
    assert second.prev_hash == first.hash
    async with resources.engine.connect() as connection:
        result = await verify_chain(connection)
    assert result.intact, result.reason
    assert result.rows >= 2


async def test_verify_reports_progress_between_batches(resources: Resources) -> None:
    async with resources.engine.begin() as connection:
        for n in range(1001):
            await append(
                connection, AuditEntry(action="test.bulk", resource_type="test", details={"n": n})
            )
    seen: list[int] = []
    async with resources.engine.connect() as connection:
        result = await verify_chain(connection, seen.append)
    assert result.intact, result.reason
    assert result.rows > 1000
    assert seen and seen[0] == 1000 and all(n % 1000 == 0 for n in seen)
