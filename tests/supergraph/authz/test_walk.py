"""The authorization walk over an operation: which field offsets a principal may not read."""

from __future__ import annotations

from graphql import parse

from core.security.roles import scopes_for_role
from supergraph.authz.walk import denied_fields
from supergraph.model import Supergraph
from tests.supergraph.http.edge_fixture import SUPERGRAPH_FILE

SUPERGRAPH = Supergraph.from_sdl(SUPERGRAPH_FILE.read_text())


def denied_names(query: str, *, authenticated: bool, scopes: frozenset[str]) -> list[str]:
    document = parse(query)
    offsets = denied_fields(SUPERGRAPH, document, None, authenticated=authenticated, scopes=scopes)
    return sorted(query[offset:].split("(")[0].split(" ")[0].split("}")[0] for offset in offsets)


def test_guest_is_denied_authenticated_and_scoped_fields() -> None:
    query = "{ products { id stock secret } }"
    assert denied_names(query, authenticated=False, scopes=frozenset()) == ["secret", "stock"]


def test_viewer_reads_authenticated_fields_but_not_admin_ones() -> None:
    query = "{ products { id stock secret } }"
    viewer = scopes_for_role("viewer")
    assert denied_names(query, authenticated=True, scopes=viewer) == ["secret"]


def test_admin_reads_everything() -> None:
    query = "{ products { stock secret } internalNotes }"
    assert denied_names(query, authenticated=True, scopes=scopes_for_role("admin")) == []


def test_requires_scopes_is_an_or_of_and_lists() -> None:
    query = "{ internalNotes }"
    editor = scopes_for_role("editor")
    assert denied_names(query, authenticated=True, scopes=editor) == ["internalNotes"]
    assert denied_names(query, authenticated=True, scopes=editor | {"notes:read"}) == []
    assert denied_names(query, authenticated=True, scopes=frozenset({"notes:read"})) == [
        "internalNotes"
    ]


def test_interface_field_requires_what_every_implementation_requires() -> None:
    # Item.label is open on Product but @authenticated on Gift.
    query = "{ items { id label } }"
    assert denied_names(query, authenticated=False, scopes=frozenset()) == ["label"]
    assert denied_names(query, authenticated=True, scopes=frozenset()) == []


def test_fields_in_fragments_and_inline_fragments_are_checked() -> None:
    query = (
        "query { products { ...P } items { ... on Product { secret } } } "
        "fragment P on Product { name stock }"
    )
    assert denied_names(query, authenticated=False, scopes=frozenset()) == ["secret", "stock"]


def test_only_the_selected_operation_is_walked() -> None:
    document = parse("query A { products { stock } } query B { products { name } }")
    offsets = denied_fields(SUPERGRAPH, document, "B", authenticated=False, scopes=frozenset())
    assert offsets == frozenset()


def test_type_level_requirement_applies_to_fields_returning_the_type() -> None:
    query = "{ products { name supplier { name } } }"
    viewer = scopes_for_role("viewer")
    assert denied_names(query, authenticated=True, scopes=viewer) == ["supplier"]
    assert denied_names(query, authenticated=True, scopes=scopes_for_role("editor")) == []
