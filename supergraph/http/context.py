"""What every edge endpoint shares: settings, the operation runner, the authenticator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from starlette.requests import Request

from core.config import Settings
from core.security.principal import RequestContext
from supergraph.auth.authenticator import Authenticator
from supergraph.auth.errors import AuthenticationError, AuthServiceUnavailableError
from supergraph.http.errors import RequestError
from supergraph.http.operation import OperationRunner
from supergraph.http.uploads import UploadLimits

PLUGIN_BODY_MAX_BYTES: Final = 1024 * 1024
"""The largest request body a plugin HTTP route is forwarded (413 beyond)."""


@dataclass(frozen=True)
class Edge:
    settings: Settings
    runner: OperationRunner
    authenticator: Authenticator
    graphiql_dir: Path
    upload_limits: UploadLimits = field(default_factory=UploadLimits)
    plugin_body_max_bytes: int = PLUGIN_BODY_MAX_BYTES


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
