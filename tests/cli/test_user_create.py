"""`althaus user create`: validated, hashed with argon2id, audited in the same transaction."""

from __future__ import annotations

import asyncpg
import pytest

from core import db
from core.security.passwords import verify_password
from tests.cli.conftest import Run

GOOD_PASSWORD = "correct horse battery staple"


async def _fetch(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(db.plain_url(url))
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def test_creates_the_user_and_its_audit_row(althaus: Run, scratch_database_url: str) -> None:
    result = althaus(
        "user", "create", "--email", "Ann@Example.com", "--username", "ann", "--role", "editor",
        "--password-stdin", stdin=GOOD_PASSWORD + "\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Created editor ann <ann@example.com>" in result.stdout
    users = await _fetch(
        scratch_database_url, "SELECT id, email, role, password_hash FROM public.users"
    )
    assert len(users) == 1
    assert users[0]["email"] == "ann@example.com"
    assert users[0]["role"] == "editor"
    assert users[0]["password_hash"].startswith("$argon2id$")
    assert verify_password(users[0]["password_hash"], GOOD_PASSWORD)
    rows = await _fetch(
        scratch_database_url, "SELECT action, resource_id, details::text FROM audit.audit_log"
    )
    assert [(r["action"], r["resource_id"]) for r in rows] == [("user.create", str(users[0]["id"]))]
    assert GOOD_PASSWORD not in rows[0]["details"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw", "at least 12 characters"),
        ("bob@example.com", "must not be your email address or username"),
        ("bobthebuilder", "must not be your email address or username"),
    ],
)
async def test_password_policy_violation_exits_1_and_creates_nothing(
    althaus: Run, scratch_database_url: str, password: str, message: str
) -> None:
    result = althaus(
        "user", "create", "--email", "bob@example.com", "--username", "bobthebuilder",
        "--password-stdin", stdin=password + "\n",
    )  # fmt: skip
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert await _fetch(scratch_database_url, "SELECT 1 FROM public.users") == []
    assert await _fetch(scratch_database_url, "SELECT 1 FROM audit.audit_log") == []


async def test_duplicate_username_exits_1_and_keeps_one_user(
    althaus: Run, scratch_database_url: str
) -> None:
    args = ["user", "create", "--username", "carol", "--password-stdin"]
    first = althaus(*args, "--email", "carol@example.com", stdin=GOOD_PASSWORD)
    second = althaus(*args, "--email", "carol2@example.com", stdin=GOOD_PASSWORD)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 1
    assert "already exists" in second.stderr
    assert len(await _fetch(scratch_database_url, "SELECT 1 FROM public.users")) == 1
    assert len(await _fetch(scratch_database_url, "SELECT 1 FROM audit.audit_log")) == 1


def test_invalid_email_and_unknown_role_are_refused(althaus: Run) -> None:
    bad_email = althaus(
        "user", "create", "--email", "not-an-email", "--username", "dave", "--password-stdin",
        stdin=GOOD_PASSWORD,
    )  # fmt: skip
    assert bad_email.returncode == 1
    assert "not a valid email" in bad_email.stderr
    bad_role = althaus(
        "user", "create", "--email", "d@example.com", "--username", "dave", "--role", "root",
        "--password-stdin", stdin=GOOD_PASSWORD,
    )  # fmt: skip
    assert bad_role.returncode == 2
    assert "root" in bad_role.stderr
