"""API keys: created by admins (the secret shown once), listed, revoked, and resolved into a
principal for the gateway by `POST /internal/api-keys/resolve`."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import UTC, datetime

import orjson
import strawberry
from sqlalchemy import select, update
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.types import Info

from core.security.internal_token import InternalTokenError
from core.security.roles import ASSIGNABLE_ROLES, scopes_for_role
from subgraphs.kit import audit
from subgraphs.kit.app import SubgraphState, unauthenticated, verify_request
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import BadUserInputError, NotFoundError
from subgraphs.kit.tables import api_keys
from subgraphs.users.accounts import require_active_principal
from subgraphs.users.types import ApiKey, CreateApiKeyInput, CreatedApiKey

KEY_PATTERN = re.compile(r"^ak_([0-9a-f]{8})_([A-Za-z0-9_-]{20,})$")
SCOPE_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

Ctx = Info[SubgraphContext, None]


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """(prefix, full key)."""
    prefix = secrets.token_hex(4)
    return prefix, f"ak_{prefix}_{secrets.token_urlsafe(32)}"


async def create_api_key(info: Ctx, input: CreateApiKeyInput) -> CreatedApiKey:
    context = info.context
    await require_active_principal(context)
    name = input.name.strip()
    if not 1 <= len(name) <= 100:
        raise BadUserInputError("name must be 1 to 100 characters")
    if input.role not in ASSIGNABLE_ROLES:
        raise BadUserInputError(
            f"role must be one of {', '.join(ASSIGNABLE_ROLES)}, got {input.role!r}"
        )
    for scope in input.scopes:
        if not SCOPE_PATTERN.match(scope) or scope.startswith("role:"):
            raise BadUserInputError(
                f"scope {scope!r} is not allowed: use letters, digits and _.:- "
                "(role scopes come from the role)"
            )
    if input.expires_at is not None and input.expires_at <= datetime.now(UTC):
        raise BadUserInputError("expiresAt must be in the future")
    prefix, key = new_key()
    creator = context.principal.sub if context.principal.kind == "user" else None
    async with context.db() as session:
        row = (
            await session.execute(
                api_keys.insert()
                .values(
                    id=uuid.uuid4(),
                    name=name,
                    prefix=prefix,
                    key_hash=key_hash(key),
                    role=input.role,
                    scopes=sorted(set(input.scopes)),
                    created_by=uuid.UUID(creator) if creator else None,
                    created_at=datetime.now(UTC),
                    expires_at=input.expires_at,
                )
                .returning(api_keys)
            )
        ).one()
        await audit.record(
            session,
            "api_key.create",
            "api_key",
            str(row.id),
            {"name": name, "prefix": prefix, "role": input.role},
        )
    return CreatedApiKey(key=key, api_key=ApiKey.from_row(row))


async def list_api_keys(info: Ctx) -> list[ApiKey]:
    await require_active_principal(info.context)
    async with info.context.db() as session:
        rows = (
            await session.execute(select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id))
        ).all()
    return [ApiKey.from_row(r) for r in rows]


async def revoke_api_key(info: Ctx, id: strawberry.ID) -> ApiKey:
    context = info.context
    await require_active_principal(context)
    try:
        key_id = uuid.UUID(str(id))
    except ValueError:
        raise NotFoundError(f"id: no API key {id!r}") from None
    async with context.db() as session:
        row = (
            await session.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id)
                .values(revoked_at=datetime.now(UTC))
                .returning(api_keys)
            )
        ).first()
        if row is None:
            raise NotFoundError(f"id: no API key {id!r}")
        await audit.record(
            session, "api_key.revoke", "api_key", str(key_id), {"prefix": row.prefix}
        )
    return ApiKey.from_row(row)


def _refused() -> JSONResponse:
    return JSONResponse(
        {"error": {"code": "INVALID_API_KEY", "message": "unknown, revoked or expired API key"}},
        status_code=401,
    )


async def resolve_endpoint(request: Request) -> Response:
    """`POST /internal/api-keys/resolve` `{"key": ...}` -> the key's principal (gateway only)."""
    state: SubgraphState = request.app.state.subgraph
    try:
        verify_request(request, state)
    except InternalTokenError as exc:
        return unauthenticated(f"subgraph request refused: {exc}")
    try:
        body = orjson.loads(await request.body())
        key = body["key"]
        if not isinstance(key, str):
            raise TypeError
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return JSONResponse(
            {"error": {"code": "BAD_REQUEST", "message": 'expected a JSON body {"key": "ak_..."}'}},
            status_code=400,
        )
    match = KEY_PATTERN.match(key)
    if match is None:
        return _refused()
    now = datetime.now(UTC)
    async with state.resources.session_factory() as session, session.begin():
        row = (
            await session.execute(select(api_keys).where(api_keys.c.prefix == match.group(1)))
        ).first()
        if (
            row is None
            or not hmac.compare_digest(row.key_hash, key_hash(key))
            or row.revoked_at is not None
            or (row.expires_at is not None and row.expires_at <= now)
        ):
            return _refused()
        await session.execute(
            update(api_keys).where(api_keys.c.id == row.id).values(last_used_at=now)
        )
    scopes = sorted(scopes_for_role(row.role) | set(row.scopes))
    return JSONResponse(
        {
            "sub": f"apikey:{row.id}",
            "role": row.role,
            "email": None,
            "scope": " ".join(scopes),
            "kind": "api_key",
        }
    )


routes = [Route("/internal/api-keys/resolve", resolve_endpoint, methods=["POST"])]
