"""Authorization requirements from @authenticated, @requiresScopes and @policy."""

from __future__ import annotations

from pathlib import Path

from supergraph.model import AuthRequirement, Supergraph

LINKS = Path(__file__).parent / "fixtures" / "links.graphql"


def _sg() -> Supergraph:
    return Supergraph.from_sdl(LINKS.read_text())


def test_authenticated_field() -> None:
    assert _sg().auth_requirements("Query", "me") == AuthRequirement(authenticated=True)


def test_scopes_are_an_or_of_and_lists() -> None:
    assert _sg().auth_requirements("User", "email") == AuthRequirement(
        scopes=(("role:editor",), ("role:admin",))
    )


def test_requirement_of_the_return_type_applies_to_the_field() -> None:
    # User.profile needs profile:read; Profile itself needs a signed-in principal.
    assert _sg().auth_requirements("User", "profile") == AuthRequirement(
        authenticated=True, scopes=(("profile:read",),)
    )


def test_requirement_of_the_type_alone() -> None:
    assert _sg().auth_requirements("Profile", None) == AuthRequirement(authenticated=True)


def test_policy_is_read() -> None:
    assert _sg().auth_requirements("Query", "audit") == AuthRequirement(policies=(("audit",),))


def test_unprotected_field_has_no_requirement() -> None:
    assert _sg().auth_requirements("User", "name") is None


def test_requirements_combine_as_and() -> None:
    a = AuthRequirement(scopes=(("a",), ("b",)))
    b = AuthRequirement(scopes=(("c",),))
    assert a.combine(b).scopes == (("a", "c"), ("b", "c"))
