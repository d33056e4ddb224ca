"""Fixtures for subgraph tests: the users and system apps over the shared test database."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import text

from core.security import passwords
from subgraphs.kit.tables import users
from subgraphs.system.app import create_app as create_system_app
from subgraphs.users.app import create_app as create_users_app
from tests.subgraphs.client import Account, SubgraphClient

PASSWORD = "correct horse battery staple"
_password_hash = passwords.hash_password(PASSWORD)

MakeAccount = Callable[..., Awaitable[Account]]


@pytest.fixture(scope="session")
async def users_api(settings, resources) -> AsyncIterator[SubgraphClient]:
    client = SubgraphClient(
        create_users_app(settings, resources), "users", settings.internal_token_secret
    )
    yield client
    await client.http.aclose()


@pytest.fixture(scope="session")
async def system_api(settings, resources) -> AsyncIterator[SubgraphClient]:
    client = SubgraphClient(
        create_system_app(settings, resources), "system", settings.internal_token_secret
    )
    yield client
    await client.http.aclose()


@pytest.fixture
def make_account(resources) -> MakeAccount:
    """Insert a user directly (no audit row): the starting state of a test."""

    async def make(role: str = "viewer", *, active: bool = True) -> Account:
        name = f"u{secrets.token_hex(5)}"
        account = Account(str(uuid.uuid4()), f"{name}@example.com", name, PASSWORD, role)
        async with resources.session_factory() as session, session.begin():
            await session.execute(
                users.insert().values(
                    id=uuid.UUID(account.id),
                    email=account.email,
                    username=account.username,
                    password_hash=_password_hash,
                    role=role,
                    is_active=active,
                )
            )
        return account

    return make


@pytest.fixture
async def viewer(make_account: MakeAccount) -> Account:
    return await make_account("viewer")


@pytest.fixture
async def editor(make_account: MakeAccount) -> Account:
    return await make_account("editor")


@pytest.fixture
async def admin(make_account: MakeAccount) -> Account:
    return await make_account("admin")


@pytest.fixture
def audit_rows(resources) -> Callable[[str], Awaitable[list[dict]]]:
    """Audit rows of one request id, oldest first."""

    async def rows(request_id: str) -> list[dict]:
        async with resources.session_factory() as session:
            result = await session.execute(
                text("SELECT * FROM audit.audit_log WHERE request_id = :rid ORDER BY id"),
                {"rid": request_id},
            )
            return [dict(r._mapping) for r in result]

    return rows
