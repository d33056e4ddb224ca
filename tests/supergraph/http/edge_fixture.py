"""Two real Strawberry subgraphs for the edge tests: `users` (login, refresh, JWKS, API keys) and
`catalog` (fields behind @authenticated and @requiresScopes). Both verify the X-Internal-Token
with audience = their name and record every request and principal they received."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.types import Info

from core.security import internal_token
from core.security.access_tokens import SigningKey, issue
from core.security.roles import scopes_for_role

SECRET = "edge-tests-internal-token-secret-0123456789"
ISSUER = "althaus"
AUDIENCE = "althaus"
SUPERGRAPH_FILE = Path(__file__).with_name("edge_supergraph.graphql")


@dataclass
class Received:
    """What one subgraph saw: raw GraphQL bodies and the verified internal-token claims."""

    bodies: list[dict[str, Any]] = field(default_factory=list)
    claims: list[internal_token.InternalClaims] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def queries(self) -> list[str]:
        return [str(b.get("query", "")) for b in self.bodies]

    def clear(self) -> None:
        self.bodies.clear()
        self.claims.clear()
        self.refused.clear()


@dataclass
class Account:
    id: str
    username: str
    email: str
    role: str
    password: str


@dataclass
class Identity:
    """The fake users service's state: signing keys (rotatable), accounts, tokens, API keys."""

    keys: list[SigningKey] = field(default_factory=lambda: [SigningKey(_new_key())])
    accounts: dict[str, Account] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # token -> account id
    used_refresh_tokens: set[str] = field(default_factory=set)
    api_keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    jwks_fetches: int = 0
    resolves: int = 0

    @property
    def signing_key(self) -> SigningKey:
        return self.keys[-1]

    def rotate(self) -> SigningKey:
        self.keys.append(SigningKey(_new_key()))
        return self.keys[-1]

    def access_token(self, account: Account, key: SigningKey | None = None, ttl: int = 900) -> str:
        return issue(
            key or self.signing_key,
            sub=account.id,
            role=account.role,
            email=account.email,
            issuer=ISSUER,
            audience=AUDIENCE,
            ttl=ttl,
        ).token

    def payload(self, account: Account) -> AuthPayload:
        refresh = secrets.token_urlsafe(24)
        self.refresh_tokens[refresh] = account.id
        return AuthPayload(
            access_token=self.access_token(account),
            refresh_token=refresh,
            expires_in=900,
            user=User.of(account),
        )


def _new_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def default_identity() -> Identity:
    identity = Identity()
    for account in (
        Account("u-ada", "ada", "ada@example.com", "admin", "correct horse battery"),
        Account("u-bob", "bob", "bob@example.com", "viewer", "bob's password 1"),
    ):
        identity.accounts[account.id] = account
    identity.api_keys["ak_edge_goodkey"] = {
        "sub": "apikey:k1",
        "role": "editor",
        "email": None,
        "scope": " ".join(sorted(scopes_for_role("editor") | {"notes:read"})),
        "kind": "api_key",
    }
    return identity


# ---------------------------------------------------------------- users subgraph schema


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    username: str
    email: str | None
    role: str

    @classmethod
    def of(cls, account: Account) -> User:
        return cls(
            id=strawberry.ID(account.id),
            username=account.username,
            email=account.email,
            role=account.role,
        )


@strawberry.type
class AuthPayload:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


@strawberry.input
class LoginInput:
    login: str
    password: str


def _identity(info: Info) -> Identity:
    identity: Identity = info.context["identity"]
    return identity


@strawberry.type
class UsersQuery:
    @strawberry.federation.field(authenticated=True)
    def me(self, info: Info) -> User | None:
        claims: internal_token.InternalClaims = info.context["claims"]
        account = _identity(info).accounts.get(claims.principal.sub or "")
        return User.of(account) if account else None


@strawberry.type
class UsersMutation:
    @strawberry.mutation
    def login(self, info: Info, input: LoginInput) -> AuthPayload:
        identity = _identity(info)
        for account in identity.accounts.values():
            if (
                input.login in (account.username, account.email)
                and input.password == account.password
            ):
                return identity.payload(account)
        raise _error("wrong login or password", "INVALID_CREDENTIALS")

    @strawberry.mutation
    def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        identity = _identity(info)
        if refresh_token in identity.used_refresh_tokens:
            raise _error("this refresh token was already used", "REFRESH_TOKEN_REUSED")
        account_id = identity.refresh_tokens.pop(refresh_token, None)
        if account_id is None:
            raise _error("this refresh token is not valid", "INVALID_REFRESH_TOKEN")
        identity.used_refresh_tokens.add(refresh_token)
        return identity.payload(identity.accounts[account_id])

    @strawberry.mutation
    def logout(self, info: Info, refresh_token: str | None = None) -> bool:
        identity = _identity(info)
        return identity.refresh_tokens.pop(refresh_token or "", None) is not None


USERS_SCHEMA = strawberry.federation.Schema(query=UsersQuery, mutation=UsersMutation)


# ---------------------------------------------------------------- catalog subgraph schema


@strawberry.federation.type(requires_scopes=[["role:editor"]])
class Supplier:
    name: str


@strawberry.federation.interface
class Item:
    id: strawberry.ID
    label: str


@strawberry.federation.type(keys=["id"])
class Product(Item):
    id: strawberry.ID
    label: str
    name: str
    price: int
    stock: int | None = strawberry.federation.field(authenticated=True)
    secret: str | None = strawberry.federation.field(requires_scopes=[["role:admin"]])

    @strawberry.field
    def supplier(self) -> Supplier | None:
        return Supplier(name=f"{self.name} Works")


@strawberry.federation.type(keys=["id"])
class Gift(Item):
    id: strawberry.ID
    label: str = strawberry.federation.field(authenticated=True)


PRODUCTS = [
    Product(id=strawberry.ID("p1"), label="lamp", name="Lamp", price=10, stock=3, secret="s-lamp"),
    Product(id=strawberry.ID("p2"), label="desk", name="Desk", price=90, stock=1, secret="s-desk"),
]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def products(self) -> list[Product]:
        return PRODUCTS

    @strawberry.field
    def items(self) -> list[Item]:
        return [PRODUCTS[0], Gift(id=strawberry.ID("g1"), label="gift card")]

    @strawberry.federation.field(requires_scopes=[["notes:read", "role:editor"], ["role:admin"]])
    def internal_notes(self) -> str | None:
        return "restock on monday"


@strawberry.type
class CatalogMutation:
    @strawberry.mutation
    def rename(self, id: strawberry.ID, name: str) -> Product | None:
        for product in PRODUCTS:
            if product.id == id:
                return Product(
                    id=product.id,
                    label=product.label,
                    name=name,
                    price=product.price,
                    stock=product.stock,
                    secret=product.secret,
                )
        return None


CATALOG_SCHEMA = strawberry.federation.Schema(
    query=CatalogQuery, mutation=CatalogMutation, types=[Gift]
)


# ---------------------------------------------------------------- serving


class _Guarded:
    """Refuses requests without a valid internal token for `name`; records the rest."""

    def __init__(self, name: str, app: ASGIApp, received: Received) -> None:
        self.name = name
        self.app = app
        self.received = received

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        body = await request.body()
        try:
            claims = internal_token.verify(
                request.headers.get(internal_token.HEADER), self.name, SECRET
            )
        except internal_token.InternalTokenError as exc:
            self.received.refused.append(str(exc))
            await JSONResponse({"errors": [{"message": str(exc)}]}, status_code=401)(
                scope, receive, send
            )
            return
        try:
            self.received.bodies.append(orjson.loads(body))
        except orjson.JSONDecodeError:
            self.received.bodies.append({})
        self.received.claims.append(claims)
        scope.setdefault("state", {})["claims"] = claims
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _ContextGraphQL(GraphQL):  # type: ignore[type-arg]
    def __init__(self, schema: Any, identity: Identity) -> None:
        super().__init__(schema, graphql_ide=None)
        self.identity = identity

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {
            "identity": self.identity,
            "claims": request.scope.get("state", {}).get("claims"),
        }


def users_app(identity: Identity, received: Received) -> Starlette:
    async def jwks(request: Request) -> Response:
        identity.jwks_fetches += 1
        keys = [key.jwks()["keys"][0] for key in identity.keys]
        return JSONResponse({"keys": keys})

    async def resolve(request: Request) -> Response:
        try:
            internal_token.verify(request.headers.get(internal_token.HEADER), "users", SECRET)
        except internal_token.InternalTokenError as exc:
            return JSONResponse(
                {"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]},
                status_code=401,
            )
        identity.resolves += 1
        key = orjson.loads(await request.body()).get("key")
        found = identity.api_keys.get(key)
        if found is None:
            return JSONResponse(
                {"error": {"code": "INVALID_API_KEY", "message": "unknown API key"}},
                status_code=401,
            )
        return JSONResponse(found)

    graphql = _Guarded("users", _ContextGraphQL(USERS_SCHEMA, identity), received)
    return Starlette(
        routes=[
            Route("/.well-known/jwks.json", jwks, methods=["GET"]),
            Route("/internal/api-keys/resolve", resolve, methods=["POST"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ]
    )


def catalog_app(received: Received) -> Starlette:
    graphql = _Guarded("catalog", _ContextGraphQL(CATALOG_SCHEMA, Identity(keys=[])), received)
    return Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"])])


def compose_sdl() -> str:
    """Compose the two subgraphs (used once to write edge_supergraph.graphql)."""
    from supergraph.compose import SubgraphDefinition, compose

    result = compose(
        [
            SubgraphDefinition("catalog", "http://127.0.0.1:4301/graphql", CATALOG_SCHEMA.as_str()),
            SubgraphDefinition("users", "http://127.0.0.1:4302/graphql", USERS_SCHEMA.as_str()),
        ]
    )
    if result.supergraph_sdl is None:
        raise RuntimeError("; ".join(str(e) for e in result.errors))
    return result.supergraph_sdl


if __name__ == "__main__":
    SUPERGRAPH_FILE.write_text(compose_sdl())
