"""The gateway refuses an access token issued before its user's revocation, from memory."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from core.config import Settings
from core.resources import Resources
from core.secrets import new_jwt_private_key
from core.security.access_tokens import SigningKey, issue
from core.security.revocations import RevocationFollower
from supergraph.auth.errors import InvalidTokenError
from supergraph.auth.jwks import KeySet
from supergraph.auth.tokens import AccessTokenVerifier
from supergraph.gateway import Gateway
from supergraph.http.app import create_gateway_app

KEY = SigningKey.from_pem(new_jwt_private_key())
USER = "0b7f5a2e-5d1c-4d8e-9a51-6f1f0c1d2e3f"


async def _jwks() -> object:
    return KEY.jwks()


def _verifier(follower: RevocationFollower | None) -> AccessTokenVerifier:
    return AccessTokenVerifier(
        KeySet(_jwks), issuer="althaus", audience="althaus", revocations=follower
    )


def _token(issued: float) -> str:
    return issue(
        KEY,
        sub=USER,
        role="admin",
        email="a@example.com",
        issuer="althaus",
        audience="althaus",
        now=issued,
    ).token


def _follower() -> RevocationFollower:
    # Never started: `note` stands for what Redis would have announced.
    return RevocationFollower(None, Settings())  # type: ignore[arg-type]


async def test_a_token_issued_before_the_revocation_is_refused_as_invalid() -> None:
    follower = _follower()
    now = time.time()
    token = _token(now - 60)
    follower.note(USER, now - 30)
    with pytest.raises(InvalidTokenError) as caught:
        await _verifier(follower).verify(token)
    assert caught.value.code == "INVALID_TOKEN"
    assert "revoked" in caught.value.message


async def test_a_token_issued_in_the_second_of_the_revocation_is_refused() -> None:
    follower = _follower()
    now = float(int(time.time()))
    follower.note(USER, now + 0.5)
    with pytest.raises(InvalidTokenError):
        await _verifier(follower).verify(_token(now + 0.9))


async def test_a_token_issued_after_the_revocation_is_accepted() -> None:
    follower = _follower()
    now = time.time()
    follower.note(USER, now - 30)
    principal = await _verifier(follower).verify(_token(now))
    assert principal.sub == USER
    assert principal.issued_at == int(now)


async def test_without_a_follower_a_revoked_users_token_passes() -> None:
    principal = await _verifier(None).verify(_token(time.time() - 60))
    assert principal.sub == USER


async def test_a_gateway_without_redis_says_at_start_that_revoked_tokens_pass(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(env="test", internal_token_secret="s" * 40)
    app = create_gateway_app(settings, Gateway(settings))
    with caplog.at_level(logging.WARNING, logger="supergraph.http.app"):
        async with app.router.lifespan_context(app):
            pass
    assert any("no Redis" in r.getMessage() for r in caplog.records)


async def test_a_gateway_with_a_follower_starts_and_stops_it(
    resources: Resources, settings: Settings
) -> None:
    follower = RevocationFollower(resources.redis, settings)
    app = create_gateway_app(settings, Gateway(settings), revocations=follower)
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(follower.wait_subscribed(), 2)
        assert app.state.revocations is follower
    assert follower._tasks == []
