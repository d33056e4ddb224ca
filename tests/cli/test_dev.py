"""`althaus dev`'s first admin: created once with a random password, never again."""

from __future__ import annotations

import asyncpg
import pytest

from althaus.commands.dev import ensure_first_admin
from core import db
from core.security.passwords import verify_password


async def test_first_admin_is_created_once_with_a_working_random_password(
    scratch_database_url: str,
) -> None:
    created = await ensure_first_admin(scratch_database_url)
    assert created is not None
    account, password = created
    assert (account.username, account.email, account.role) == ("admin", "admin@localhost", "admin")
    assert len(password) >= 12
    assert await ensure_first_admin(scratch_database_url) is None

    connection = await asyncpg.connect(db.plain_url(scratch_database_url))
    try:
        rows = await connection.fetch("SELECT username, password_hash FROM public.users")
        audit = await connection.fetch("SELECT action, details::text FROM audit.audit_log")
    finally:
        await connection.close()
    assert [r["username"] for r in rows] == ["admin"]
    assert verify_password(rows[0]["password_hash"], password)
    assert [r["action"] for r in audit] == ["user.create"]
    assert password not in audit[0]["details"]


async def test_no_admin_but_taken_name_creates_nothing_and_says_what_to_do(
    scratch_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await ensure_first_admin(scratch_database_url) is not None
    connection = await asyncpg.connect(db.plain_url(scratch_database_url))
    try:
        await connection.execute(
            "UPDATE public.users SET role = 'viewer'"
        )  # the operator demoted it
        assert await ensure_first_admin(scratch_database_url) is None
        count = await connection.fetchval("SELECT count(*) FROM public.users")
    finally:
        await connection.close()
    assert count == 1
    assert "althaus user create --role admin" in capsys.readouterr().err
