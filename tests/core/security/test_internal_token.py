"""The X-Internal-Token: what the gateway mints, only a subgraph with the secret accepts."""

from __future__ import annotations

import time

import jwt
import pytest

from core.security import internal_token
from core.security.internal_token import InternalTokenError
from core.security.principal import Principal, RequestContext

SECRET = "s" * 32
EDITOR = Principal.user("8b0c6c3e-1", "editor", "ed@example.com")


def test_minted_token_carries_principal_and_request_context() -> None:
    token = internal_token.mint(EDITOR, "users", SECRET, RequestContext("r-1", "10.0.0.1", "ua/1"))
    claims = internal_token.verify(token, "users", SECRET)
    assert claims.principal == EDITOR
    assert claims.context == RequestContext("r-1", "10.0.0.1", "ua/1")


def test_minted_token_is_a_standard_hs256_jwt() -> None:
    token = internal_token.mint(EDITOR, "system", SECRET, now=time.time())
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="system")
    assert claims["exp"] - claims["iat"] == internal_token.TTL_SECONDS
    assert claims["scope"] == "role:editor role:viewer"


def test_guest_token_has_no_subject() -> None:
    token = internal_token.mint(Principal.guest(), "users", SECRET)
    claims = internal_token.verify(token, "users", SECRET)
    assert claims.principal.sub is None and claims.principal.role == "guest"
    assert "sub" not in jwt.decode(token, options={"verify_signature": False})


def test_token_for_another_subgraph_is_refused() -> None:
    token = internal_token.mint(EDITOR, "system", SECRET)
    with pytest.raises(InternalTokenError, match="another subgraph"):
        internal_token.verify(token, "users", SECRET)


def test_expired_token_is_refused() -> None:
    token = internal_token.mint(EDITOR, "users", SECRET, now=time.time() - 120)
    with pytest.raises(InternalTokenError, match="expired"):
        internal_token.verify(token, "users", SECRET)


def test_token_signed_with_another_secret_is_refused() -> None:
    token = internal_token.mint(EDITOR, "users", "o" * 32)
    with pytest.raises(InternalTokenError, match="invalid"):
        internal_token.verify(token, "users", SECRET)


def test_missing_token_is_refused() -> None:
    with pytest.raises(InternalTokenError, match="missing"):
        internal_token.verify(None, "users", SECRET)


def test_secret_shorter_than_256_bits_is_refused() -> None:
    with pytest.raises(ValueError, match="256 bits"):
        internal_token.mint(EDITOR, "users", "short")


def test_plugin_subgraph_tokens_verify_only_with_that_plugins_derived_key() -> None:
    token = internal_token.mint(EDITOR, "plugin_blog", SECRET)
    blog_key = internal_token.plugin_key(SECRET, "plugin_blog")
    claims = internal_token.verify(token, "plugin_blog", blog_key, derived_key=True)
    assert claims.principal == EDITOR
    # The gateway side verifies with the platform secret, deriving the same key.
    assert internal_token.verify(token, "plugin_blog", SECRET).principal == EDITOR
    # Another plugin's key, or the derived key used as if it were the platform secret, fails.
    other_key = internal_token.plugin_key(SECRET, "plugin_shop")
    with pytest.raises(InternalTokenError):
        internal_token.verify(token, "plugin_blog", other_key, derived_key=True)
    with pytest.raises(InternalTokenError):
        internal_token.verify(token, "plugin_blog", blog_key)


def test_a_plugins_derived_key_cannot_mint_tokens_for_core_subgraphs() -> None:
    blog_key = internal_token.plugin_key(SECRET, "plugin_blog")
    forged = internal_token.mint(EDITOR, "users", bytes.fromhex(blog_key))
    with pytest.raises(InternalTokenError, match="invalid"):
        internal_token.verify(forged, "users", SECRET)


def test_derived_keys_exist_only_for_plugin_audiences() -> None:
    with pytest.raises(ValueError, match="not a plugin subgraph"):
        internal_token.plugin_key(SECRET, "users")


def test_the_access_token_issue_time_travels_with_the_principal() -> None:
    issued = Principal.user("8b0c6c3e-1", "editor", "ed@example.com", issued_at=1_700_000_000)
    token = internal_token.mint(issued, "system", SECRET)
    assert internal_token.verify(token, "system", SECRET).principal.issued_at == 1_700_000_000
    unknown = internal_token.verify(internal_token.mint(EDITOR, "system", SECRET), "system", SECRET)
    assert unknown.principal.issued_at is None
