"""Composition of the fixture sets: the bench supergraph exactly, features, and coded errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from supergraph.compose import SubgraphDefinition, compose

from .fixture_sets import failing_sets, load_set


def _sdl(name: str) -> str:
    result = compose(load_set(name))
    assert result.supergraph_sdl is not None, [str(e) for e in result.errors]
    # one line per field or type, whatever the printer's wrapping
    return re.sub(r"\n\s+@", " @", result.supergraph_sdl)


def test_bench_subgraphs_compose_to_the_benchmark_supergraph() -> None:
    subgraphs = [
        SubgraphDefinition(s.name, f"http://0.0.0.0:4200/{s.name}", s.sdl)
        for s in load_set("bench")
    ]
    result = compose(subgraphs)
    assert result.supergraph_sdl is not None
    expected = Path(__file__).parent / "fixtures" / "bench_supergraph.graphql"
    assert result.supergraph_sdl + "\n" == expected.read_text()


def test_output_is_deterministic_whatever_the_input_order() -> None:
    subgraphs = load_set("abstract")
    assert compose(subgraphs).supergraph_sdl == compose(list(reversed(subgraphs))).supergraph_sdl


def test_federation_1_extension_key_fields_are_not_external() -> None:
    sdl = _sdl("classic_fed1")
    assert "upc: String!\n" in sdl
    assert '"""A person with an account"""' in sdl or "A person with an account" in sdl


def test_progressive_override_records_label_on_both_subgraphs_and_links_join_v04() -> None:
    sdl = _sdl("override")
    assert "join/v0.4" in sdl
    assert '@join__field(graph: BILLING, override: "legacy", overrideLabel: "percent(25)")' in sdl
    assert '@join__field(graph: LEGACY, overrideLabel: "percent(25)")' in sdl
    assert 'total: Int @join__field(graph: BILLING, override: "legacy")' in sdl


def test_resolvable_false_key_is_carried() -> None:
    assert '@join__type(graph: BILLING, key: "id", resolvable: false)' in _sdl("override")


def test_authorization_directives_are_carried_with_their_links() -> None:
    sdl = _sdl("security")
    assert '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)' in sdl
    assert '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)' in sdl
    assert '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)' in sdl
    assert "scalar requiresScopes__Scope" in sdl
    assert "me: User @join__field(graph: ACCOUNTS) @authenticated" in sdl
    assert '@requiresScopes(scopes: [["role:admin"], ["role:editor", "read:email"]])' in sdl


def test_tag_and_inaccessible_are_carried_with_their_links() -> None:
    sdl = _sdl("security")
    assert '@link(url: "https://specs.apollo.dev/tag/v0.3")' in sdl
    assert "password: String @join__field(graph: ACCOUNTS) @inaccessible" in sdl
    assert (
        "ADMIN @join__enumValue(graph: ACCOUNTS) @join__enumValue(graph: SETTINGS) @inaccessible"
        in sdl
    )


def test_interface_object_marks_join_type_and_adds_fields_to_implementations() -> None:
    sdl = _sdl("interface_object")
    assert '@join__type(graph: REVIEWS, key: "id", isInterfaceObject: true)' in sdl
    assert "rating: Int @join__field\n" in sdl


def test_renamed_and_namespaced_federation_directives_are_understood() -> None:
    sdl = _sdl("renamed_imports")
    assert (
        '@join__type(graph: ALPHA, key: "id")' in sdl
        and '@join__type(graph: BETA, key: "id")' in sdl
    )
    assert "thing(id: ID!): Thing @join__field(graph: ALPHA)" in sdl


def test_output_types_widen_and_record_each_subgraph_type() -> None:
    sdl = _sdl("subtypes")
    assert (
        'animal: Animal @join__field(graph: ONE, type: "Animal") '
        '@join__field(graph: TWO, type: "Dog")' in sdl
    )
    assert (
        'count: Int @join__field(graph: ONE, type: "Int!") @join__field(graph: TWO, type: "Int")'
        in sdl
    )


def test_input_enum_values_intersect_and_output_enum_values_unite() -> None:
    sdl = _sdl("enums_inputs")
    assert (
        "DELIVERED @join__enumValue(graph: ORDERS)" in sdl
        and "RETURNED @join__enumValue(graph: RETURNS)" in sdl
    )
    assert "after: String" not in sdl
    assert "limit: Int = 10" in sdl


@pytest.mark.parametrize(
    ("name", "code", "subgraphs", "coordinate"),
    [
        ("invalid_field_sharing", "INVALID_FIELD_SHARING", ("catalog", "products"), "Product.name"),
        ("field_type_mismatch", "FIELD_TYPE_MISMATCH", ("a", "b"), "Thing.size"),
        (
            "field_argument_type_mismatch",
            "FIELD_ARGUMENT_TYPE_MISMATCH",
            ("a", "b"),
            "Query.things(limit:)",
        ),
        ("invalid_graphql", "INVALID_GRAPHQL", ("broken",), None),
        ("key_invalid_fields", "KEY_INVALID_FIELDS", ("users",), "User"),
        ("requires_invalid_fields", "REQUIRES_INVALID_FIELDS", ("shipping",), "Product.estimate"),
        ("provides_invalid_fields", "PROVIDES_INVALID_FIELDS", ("reviews",), "Review.author"),
        ("external_missing_on_base", "EXTERNAL_MISSING_ON_BASE", ("a",), "Thing.size"),
        ("external_unused", "EXTERNAL_UNUSED", ("a",), "Thing.size"),
        ("enum_value_mismatch", "ENUM_VALUE_MISMATCH", ("a", "b"), "Color.GREEN"),
        ("type_kind_mismatch", "TYPE_KIND_MISMATCH", ("a", "b"), "Node"),
        ("override_source_has_override", "OVERRIDE_SOURCE_HAS_OVERRIDE", ("a", "b"), "T.f"),
        ("empty_merged_input_type", "EMPTY_MERGED_INPUT_TYPE", ("a", "b"), "Filter"),
        (
            "required_argument_missing",
            "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
            ("a", "b"),
            "Query.things(limit:)",
        ),
        ("interface_object_usage", "INTERFACE_OBJECT_USAGE_ERROR", ("a", "b"), "Node"),
        ("root_query_used", "ROOT_QUERY_USED", ("a",), "Query"),
        ("satisfiability_error", "SATISFIABILITY_ERROR", ("a",), "Item.price"),
    ],
)
def test_failing_set_reports_coded_error_naming_subgraphs_and_coordinate(
    name: str, code: str, subgraphs: tuple[str, ...], coordinate: str | None
) -> None:
    result = compose(load_set(f"errors/{name}"))
    assert result.supergraph_sdl is None
    matching = [e for e in result.errors if e.code == code]
    assert matching, [str(e) for e in result.errors]
    error = matching[0]
    assert set(subgraphs) <= set(error.subgraphs)
    assert error.coordinate == coordinate
    for subgraph in subgraphs:
        assert f'"{subgraph}"' in error.message or f"[{subgraph}]" in error.message
    if coordinate is not None:
        assert coordinate.split("(")[0].split(".")[0] in error.message


def test_compose_directive_carries_definition_link_and_applications() -> None:
    sdl = _sdl("compose_directive")
    assert '@link(url: "https://myspecs.dev/cache/v1.0", import: ["@cacheControl"])' in sdl
    assert "directive @cacheControl(maxAge: Int) on FIELD_DEFINITION | OBJECT" in sdl
    assert "a: T @join__field(graph: A) @cacheControl(maxAge: 30)" in sdl
    assert "y: Int @join__field(graph: B)\n" in sdl


def test_override_from_missing_field_or_subgraph_gives_hints_not_errors() -> None:
    result = compose(load_set("override_hints"))
    assert result.supergraph_sdl is not None
    codes = {(h.code, h.coordinate) for h in result.hints}
    assert ("OVERRIDE_DIRECTIVE_CAN_BE_REMOVED", "T.q") in codes
    assert ("FROM_SUBGRAPH_DOES_NOT_EXIST", "T.r") in codes


def test_most_used_description_wins_with_a_hint() -> None:
    federation = "https://specs.apollo.dev/federation/v2.3"
    link = f'extend schema @link(url: "{federation}", import: ["@shareable"])'
    link += "\n"
    subgraphs = [
        SubgraphDefinition(
            name, f"http://{name}", link + f'type Query {{ "{text}" v: Int @shareable }}'
        )
        for name, text in (("a", "first"), ("b", "second"), ("c", "second"))
    ]
    result = compose(subgraphs)
    assert result.supergraph_sdl is not None
    assert '"""\n  second\n  """\n  v: Int' in result.supergraph_sdl
    assert any(
        h.code == "INCONSISTENT_DESCRIPTION" and h.coordinate == "Query.v" for h in result.hints
    )


def test_authorization_requirements_of_all_subgraphs_are_combined() -> None:
    sdl = _sdl("authorization_merge")
    assert 'v: Int @requiresScopes(scopes: [["a", "d"], ["b", "c", "d"]])' in sdl
    assert '@policy(policies: [["p1", "p2"]])' in sdl


EXPECTED_CODES = {
    "auth_on_interface": "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
    "context_invalid_selection": "CONTEXT_INVALID_SELECTION",
    "context_name_invalid": "CONTEXT_NAME_INVALID",
    "context_no_resolvable_key": "CONTEXT_NO_RESOLVABLE_KEY",
    "context_not_set": "CONTEXT_NOT_SET",
    "cost_before_v2_9": "INVALID_LINK_DIRECTIVE_USAGE",
    "cost_import_name_mismatch": "LINK_IMPORT_NAME_MISMATCH",
    "cost_on_interface_field": "COST_APPLIED_TO_INTERFACE_FIELD",
    "empty_merged_enum_type": "EMPTY_MERGED_ENUM_TYPE",
    "empty_merged_input_type": "EMPTY_MERGED_INPUT_TYPE",
    "enum_value_mismatch": "ENUM_VALUE_MISMATCH",
    "extension_with_no_base": "EXTENSION_WITH_NO_BASE",
    "extension_with_no_base_fed1": "EXTENSION_WITH_NO_BASE",
    "external_missing_on_base": "EXTERNAL_MISSING_ON_BASE",
    "external_type_mismatch": "EXTERNAL_TYPE_MISMATCH",
    "external_unused": "EXTERNAL_UNUSED",
    "field_argument_default_mismatch": "FIELD_ARGUMENT_DEFAULT_MISMATCH",
    "field_argument_type_mismatch": "FIELD_ARGUMENT_TYPE_MISMATCH",
    "field_type_mismatch": "FIELD_TYPE_MISMATCH",
    "input_field_default_mismatch": "INPUT_FIELD_DEFAULT_MISMATCH",
    "interface_field_no_implem": "INTERFACE_FIELD_NO_IMPLEM",
    "interface_key_missing_implementation_type": "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
    "interface_key_not_on_implementation": "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
    "interface_object_usage": "INTERFACE_OBJECT_USAGE_ERROR",
    "interface_object_without_key": "INTERFACE_OBJECT_USAGE_ERROR",
    "invalid_field_sharing": "INVALID_FIELD_SHARING",
    "invalid_graphql": "INVALID_GRAPHQL",
    "invalid_graphql_duplicate_field": "INVALID_GRAPHQL",
    "invalid_graphql_input_as_output": "INVALID_GRAPHQL",
    "invalid_graphql_interface": "INVALID_GRAPHQL",
    "invalid_shareable_usage": "INVALID_SHAREABLE_USAGE",
    "key_fields_has_args": "KEY_FIELDS_HAS_ARGS",
    "key_fields_select_invalid_type": "KEY_FIELDS_SELECT_INVALID_TYPE",
    "key_invalid_fields": "KEY_INVALID_FIELDS",
    "key_unsupported_on_interface": "KEY_UNSUPPORTED_ON_INTERFACE",
    "list_size_applied_to_non_list": "LIST_SIZE_APPLIED_TO_NON_LIST",
    "list_size_invalid_slicing_argument": "LIST_SIZE_INVALID_SLICING_ARGUMENT",
    "no_queries": "NO_QUERIES",
    "only_inaccessible_children": "ONLY_INACCESSIBLE_CHILDREN",
    "override_collision": "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
    "override_from_self": "OVERRIDE_FROM_SELF_ERROR",
    "override_label_invalid": "OVERRIDE_LABEL_INVALID",
    "override_source_has_override": "OVERRIDE_SOURCE_HAS_OVERRIDE",
    "provides_fields_missing_external": "PROVIDES_FIELDS_MISSING_EXTERNAL",
    "provides_invalid_fields": "PROVIDES_INVALID_FIELDS",
    "provides_on_non_object_field": "PROVIDES_ON_NON_OBJECT_FIELD",
    "referenced_inaccessible": "REFERENCED_INACCESSIBLE",
    "required_argument_missing": "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
    "required_inaccessible": "REQUIRED_INACCESSIBLE",
    "required_input_field_missing": "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
    "requires_fields_missing_external": "REQUIRES_FIELDS_MISSING_EXTERNAL",
    "requires_invalid_fields": "REQUIRES_INVALID_FIELDS",
    "requires_unsupported_on_interface": "REQUIRES_UNSUPPORTED_ON_INTERFACE",
    "root_query_used": "ROOT_QUERY_USED",
    "satisfiability_error": "SATISFIABILITY_ERROR",
    "shareable_extension_block": "INVALID_FIELD_SHARING",
    "type_kind_mismatch": "TYPE_KIND_MISMATCH",
    "unknown_directive": "INVALID_GRAPHQL",
    "unknown_federation_version": "UNKNOWN_FEDERATION_LINK_VERSION",
}


def test_every_failing_fixture_set_has_an_expected_code() -> None:
    assert {name.removeprefix("errors/") for name in failing_sets()} == set(EXPECTED_CODES)


@pytest.mark.parametrize(("name", "code"), sorted(EXPECTED_CODES.items()))
def test_failing_set_fails_with_its_code_and_names_a_subgraph(name: str, code: str) -> None:
    result = compose(load_set(f"errors/{name}"))
    assert result.supergraph_sdl is None
    matching = [e for e in result.errors if e.code == code]
    assert matching, [str(e) for e in result.errors]
    for error in matching:
        if code != "NO_QUERIES":
            assert error.subgraphs, str(error)
            assert any(s in error.message for s in error.subgraphs), str(error)


def test_cost_and_list_size_are_carried_with_the_cost_spec_link() -> None:
    sdl = _sdl("demand_control")
    assert "join/v0.5" in sdl
    assert '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])' in sdl
    assert "directive @cost(\n  weight: Int!\n) on ARGUMENT_DEFINITION | ENUM" in sdl
    assert "requireOneSlicingArgument: Boolean = true" in sdl
    assert "scalar Money @join__type(graph: PRICING) @cost(weight: 4)" in sdl
    assert "search(term: String @cost(weight: 3)): SearchResult" in sdl
    assert (
        "products(first: Int = 10): [Product!]! @join__field(graph: CATALOG) "
        '@listSize(slicingArguments: ["first"], assumedSize: 50) @cost(weight: 2)'
    ) in sdl
    assert "enum Level @join__type(graph: CATALOG) @cost(weight: 1)" in sdl


def test_cost_of_an_element_several_subgraphs_annotate_is_the_highest() -> None:
    # catalog weighs Product.name 1, pricing 7: the supergraph keeps one @cost, the costlier
    assert "  name: String @cost(weight: 7)\n" in _sdl("demand_control")


def test_list_sizes_of_one_field_merge_to_the_costlier_reading() -> None:
    def subgraph(name: str, list_size: str) -> SubgraphDefinition:
        return SubgraphDefinition(
            name,
            f"http://{name}",
            'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
            'import: ["@shareable", "@listSize"])\n'
            f"type Query {{ items(first: Int, last: Int): [Int] @shareable {list_size} }}",
        )

    result = compose(
        [
            subgraph("a", '@listSize(assumedSize: 5, slicingArguments: ["first"])'),
            subgraph(
                "b",
                '@listSize(assumedSize: 9, slicingArguments: ["last"], '
                "requireOneSlicingArgument: false)",
            ),
        ]
    )
    assert result.supergraph_sdl is not None, [str(e) for e in result.errors]
    assert (
        '@listSize(assumedSize: 9, slicingArguments: ["first", "last"], '
        "requireOneSlicingArgument: false)"
    ) in result.supergraph_sdl


def test_context_is_named_for_its_subgraph_and_its_argument_leaves_the_api() -> None:
    sdl = _sdl("contexts")
    assert '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)' in sdl
    assert "directive @context(name: String!) repeatable on OBJECT | INTERFACE | UNION" in sdl
    assert "scalar context__ContextFieldValue" in sdl
    assert '@join__type(graph: CATALOG, key: "id") @context(name: "catalog__shelf") {' in sdl
    assert (
        "price(rounded: Boolean): Int! @join__field(graph: CATALOG, contextArguments: "
        '[{context: "catalog__shelf", name: "currency", type: "String", '
        'selection: " { currency }"}])'
    ) in sdl


@pytest.mark.parametrize(
    ("item", "code", "says"),
    [
        (
            'price(currency: String = "EUR" @fromContext(field: "$shelf { currency }")): Int',
            "CONTEXT_NOT_SET",
            "may not have a default value",
        ),
        (
            'price(currency: String @fromContext(field: "{ currency }")): Int',
            "NO_CONTEXT_IN_SELECTION",
            "does not reference a context",
        ),
        (
            'price(currency: Int @fromContext(field: "$shelf { currency }")): Int',
            "CONTEXT_INVALID_SELECTION",
            'does not match the expected type "Int"',
        ),
    ],
)
def test_wrong_uses_of_from_context_are_refused(item: str, code: str, says: str) -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", '
        'import: ["@key", "@context", "@fromContext"])\n'
        "type Query { shelf: Shelf }\n"
        'type Shelf @key(fields: "id") @context(name: "shelf") '
        "{ id: ID! currency: String! items: [Item] }\n"
        f'type Item @key(fields: "id") {{ id: ID! {item} }}'
    )
    result = compose([SubgraphDefinition("catalog", "http://catalog", sdl)])
    assert result.supergraph_sdl is None
    assert [e.code for e in result.errors] == [code], [str(e) for e in result.errors]
    assert says in result.errors[0].message
    assert result.errors[0].coordinate == "Item.price(currency:)"


def test_federation_v2_7_to_v2_9_links_compose() -> None:
    for version in ("2.7", "2.8", "2.9"):
        sdl = (
            f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", '
            'import: ["@key"])\ntype Query { ping: String }'
        )
        result = compose([SubgraphDefinition("a", "http://a", sdl)])
        assert result.supergraph_sdl is not None, (version, [str(e) for e in result.errors])
