"""What every edge endpoint shares: settings, the operation runner, the authenticator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from core.config import Settings
from core.security.principal import RequestContext
from supergraph.auth.authenticator import Authenticator
from supergraph.auth.errors import AuthenticationError, AuthServiceUnavailableError
from supergraph.http.errors import RequestError
from supergraph.http.operation import OperationRunner


@dataclass(frozen=True)
class Edge:
    settings: Settings
    runner: OperationRunner
    authenticator: Authenticator
    graphiql_dir: Path


def edge_of(request: Request) -> Edge:
    edge: Edge = request.app.state.edge
    return edge


def request_context(request: Request) -> RequestContext:
    state = request.scope.get("state", {})
    return RequestContext(
        request_id=str(state.get("request_id", "")),
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def auth_failure(error: AuthenticationError) -> RequestError:
    """401 with a challenge; 503 when the users subgraph could not be asked."""
    if isinstance(error, AuthServiceUnavailableError):
        return RequestError(503, error.code, error.message, headers={"Retry-After": "2"})
    return RequestError(
        401, error.code, error.message, headers={"WWW-Authenticate": error.challenge}
    )
