"""The users and system SDLs compose into one supergraph with our Federation 2 composer."""

from __future__ import annotations

from subgraphs.system.schema import schema as system_schema
from subgraphs.users.schema import schema as users_schema
from supergraph.compose import SubgraphDefinition, compose


def test_users_and_system_compose_with_their_authorization_directives():
    result = compose(
        [
            SubgraphDefinition("users", "http://127.0.0.1:4001/graphql", users_schema.as_str()),
            SubgraphDefinition("system", "http://127.0.0.1:4002/graphql", system_schema.as_str()),
        ]
    )
    assert result.ok, [str(e) for e in result.errors]
    sdl = result.supergraph_sdl or ""
    assert '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)' in sdl
    assert "auditLog(" in sdl and '@requiresScopes(scopes: [["role:admin"]])' in sdl
