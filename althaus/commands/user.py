"""`althaus user`: manage user accounts from the command line (first admin, recovery)."""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass

import click
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from althaus.platform import run_database_task
from core.audit_chain import AuditEntry, append
from core.config import Settings
from core.db import create_engine
from core.embedded import resolve
from core.security.passwords import (
    InvalidEmailError,
    InvalidUsernameError,
    PasswordPolicyError,
    check_password_policy,
    hash_password,
    normalize_email,
    normalize_username,
)
from core.security.roles import ASSIGNABLE_ROLES


class AccountExistsError(Exception):
    code = "ACCOUNT_EXISTS"


@dataclass(frozen=True)
class NewAccount:
    id: uuid.UUID
    email: str
    username: str
    role: str


async def create_account(
    engine: AsyncEngine,
    *,
    email: str,
    username: str,
    role: str,
    password: str,
    via: str = "cli",
    local_email: bool = False,
) -> NewAccount:
    """Validate, hash (argon2id) and insert a user, with its audit row in the same transaction.

    `local_email` accepts a host-only address such as `admin@localhost` (the first admin of a
    development machine), which the public email check refuses.
    Raises InvalidEmailError, InvalidUsernameError, PasswordPolicyError or AccountExistsError.
    """
    email = email.strip().lower() if local_email else normalize_email(email)
    username = normalize_username(username)
    if role not in ASSIGNABLE_ROLES:
        raise ValueError(f"role must be one of {', '.join(ASSIGNABLE_ROLES)}")
    check_password_policy(password, email=email, username=username)
    password_hash = hash_password(password)
    try:
        async with engine.begin() as connection:
            inserted = await connection.execute(
                text(
                    "INSERT INTO public.users (email, username, password_hash, role)"
                    " VALUES (:email, :username, :hash, :role) RETURNING id"
                ),
                {"email": email, "username": username, "hash": password_hash, "role": role},
            )
            user_id: uuid.UUID = inserted.scalar_one()
            await append(
                connection,
                AuditEntry(
                    action="user.create",
                    resource_type="user",
                    resource_id=str(user_id),
                    details={"email": email, "username": username, "role": role, "via": via},
                ),
            )
    except IntegrityError:
        raise AccountExistsError(
            f"a user with email {email!r} or username {username!r} already exists"
        ) from None
    return NewAccount(id=user_id, email=email, username=username, role=role)


@click.group()
def command() -> None:
    """Manage user accounts."""


@command.command("create")
@click.option("--email", required=True, help="Email address (stored lower-case).")
@click.option("--username", required=True, help="3-32 characters of a-z, 0-9, '_', '.', '-'.")
@click.option(
    "--role",
    type=click.Choice(ASSIGNABLE_ROLES),
    default="viewer",
    show_default=True,
    help="The account's role.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (one line); otherwise prompt for it.",
)
def create(email: str, username: str, role: str, password_stdin: bool) -> None:
    """Create a user account (writes the audit row in the same transaction).

    The password must be at least 12 characters and not the email or username.
    Exit codes: 0 created, 1 refused (invalid input, policy, already exists), 2 usage or
    configuration error.

    Example: echo "$PASSWORD" | althaus user create --email a@example.com --username ann
    --role admin --password-stdin
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        raise click.UsageError("stdin is not a terminal: pass --password-stdin to read it")
    settings = resolve(Settings.from_env(), redis=False, keys=False)
    assert settings.database_url is not None
    try:
        account = run_database_task(
            _create(
                settings.database_url, email=email, username=username, role=role, password=password
            ),
            settings.database_url,
        )
    except (
        InvalidEmailError,
        InvalidUsernameError,
        PasswordPolicyError,
        AccountExistsError,
        ValueError,
    ) as exc:
        click.echo(f"althaus: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Created {account.role} {account.username} <{account.email}> (id {account.id}).")


async def _create(
    database_url: str, *, email: str, username: str, role: str, password: str
) -> NewAccount:
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        return await create_account(
            engine, email=email, username=username, role=role, password=password
        )
    finally:
        await engine.dispose()
