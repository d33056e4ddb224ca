"""The session endpoints' mutations are valid against the real users subgraph's schema."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from supergraph.http.session import LOGIN, LOGOUT, REFRESH


@pytest.mark.parametrize("document", [LOGIN, REFRESH, LOGOUT], ids=["login", "refresh", "logout"])
def test_session_mutation_matches_the_users_subgraph(document: str) -> None:
    from subgraphs.users.schema import schema

    errors = validate(schema._schema, parse(document))
    assert errors == []
