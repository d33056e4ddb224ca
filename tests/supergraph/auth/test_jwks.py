"""The key set: a refetch for an unknown kid happens at most once per interval."""

from __future__ import annotations

import pytest

from supergraph.auth.errors import InvalidTokenError
from supergraph.auth.jwks import KeySet
from supergraph.auth.users_service import UsersService
from tests.supergraph.http.stack import EdgeStack


async def test_unknown_kids_do_not_refetch_within_the_interval(edge: EdgeStack) -> None:
    users = UsersService(edge.urls["users"].removesuffix("/graphql"))

    async def fetch() -> object:
        return (await users.get_json("/.well-known/jwks.json"))[1]

    keys = KeySet(fetch, refetch_interval=60.0)
    before = edge.identity.jwks_fetches
    try:
        known = await keys.key(edge.identity.signing_key.kid)
        assert known.algorithm_name == "EdDSA"
        for forged in ("a", "b", "c"):
            with pytest.raises(InvalidTokenError):
                await keys.key(forged)
    finally:
        await users.close()
    assert edge.identity.jwks_fetches == before + 1
