"""Prints a merged supergraph as SDL in the layout Apollo's composition uses."""

from __future__ import annotations

import json

from graphql.language import DirectiveNode, print_ast

from .model import ENUM, INPUT_OBJECT, INTERFACE, OBJECT, SCALAR, UNION
from .supergraph_model import JoinField, JoinType, MergedArgument, MergedType, Supergraph

WIDTH = 80

_FEATURE_LINKS = {
    "tag": '@link(url: "https://specs.apollo.dev/tag/v0.3")',
    "inaccessible": '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
    "authenticated": '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
    "requiresScopes": '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
    "policy": '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
    "context": '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)',
    # @cost is the spec's own name, so only @listSize needs importing to go unprefixed
    "cost": '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])',
}
_AUTH_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
_FEATURE_DIRECTIVES: dict[str, tuple[str, list[str], str]] = {
    "tag": (
        "tag",
        ["name: String!"],
        "repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | "
        "SCALAR | ENUM "
        "| ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA",
    ),
    "inaccessible": (
        "inaccessible",
        [],
        "on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM "
        "| ENUM_VALUE "
        "| INPUT_OBJECT | INPUT_FIELD_DEFINITION",
    ),
    "authenticated": ("authenticated", [], "on " + _AUTH_LOCATIONS),
    "requiresScopes": (
        "requiresScopes",
        ["scopes: [[requiresScopes__Scope!]!]!"],
        "on " + _AUTH_LOCATIONS,
    ),
    "policy": ("policy", ["policies: [[policy__Policy!]!]!"], "on " + _AUTH_LOCATIONS),
}
# features defining more than one directive: feature -> (directive, arguments, locations)
_MORE_DIRECTIVES: dict[str, list[tuple[str, list[str], str]]] = {
    "context": [
        ("context", ["name: String!"], "repeatable on OBJECT | INTERFACE | UNION"),
        (
            "context__fromContext",
            ["field: context__ContextFieldValue"],
            "on ARGUMENT_DEFINITION",
        ),
    ],
    "cost": [
        (
            "cost",
            ["weight: Int!"],
            "on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT "
            "| SCALAR",
        ),
        (
            "listSize",
            [
                "assumedSize: Int",
                "slicingArguments: [String!]",
                "sizedFields: [String!]",
                "requireOneSlicingArgument: Boolean = true",
            ],
            "on FIELD_DEFINITION",
        ),
    ],
}
_FEATURE_SCALARS = {
    "requiresScopes": "requiresScopes__Scope",
    "policy": "policy__Policy",
    "context": "context__ContextFieldValue",
}


def print_supergraph(supergraph: Supergraph) -> str:
    blocks: list[str] = [_schema(supergraph)]
    directives = _directive_definitions(supergraph)
    for name in sorted(directives, key=_order):
        blocks.append(directives[name])
    types: dict[str, str] = {
        "join__FieldSet": "scalar join__FieldSet",
        "join__Graph": _graph_enum(supergraph),
        "link__Import": "scalar link__Import",
        "link__Purpose": _LINK_PURPOSE,
    }
    if supergraph.join_minor >= 5:
        types["join__ContextArgument"] = _CONTEXT_ARGUMENT
        types["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
        types["join__FieldValue"] = "scalar join__FieldValue"
    for feature, scalar in _FEATURE_SCALARS.items():
        if feature in supergraph.features:
            types[scalar] = f"scalar {scalar}"
    for merged in supergraph.types.values():
        types[merged.name] = _type(merged)
    for name in sorted(types, key=_order):
        blocks.append(types[name])
    return "\n\n".join(blocks)


def _order(name: str) -> tuple[str, str]:
    return (name.lower(), name)


_LINK_PURPOSE = '''enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''


_CONTEXT_ARGUMENT = """input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}"""


def _schema(supergraph: Supergraph) -> str:
    join_version = f"v0.{supergraph.join_minor}"
    links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        f'@link(url: "https://specs.apollo.dev/join/{join_version}", for: EXECUTION)',
    ]
    links.extend(link for feature, link in _FEATURE_LINKS.items() if feature in supergraph.features)
    links.extend(supergraph.composed_links.values())
    roots = [
        f"  {op.lower()}: {op}"
        for op in ("Query", "Mutation", "Subscription")
        if op in supergraph.types
    ]
    return _with_directives("schema", links, "  ") + " {\n" + "\n".join(roots) + "\n}"


def _directive_definitions(supergraph: Supergraph) -> dict[str, str]:
    field_args = [
        "graph: join__Graph",
        "requires: join__FieldSet",
        "provides: join__FieldSet",
        "type: String",
        "external: Boolean",
        "override: String",
        "usedOverridden: Boolean",
    ]
    if supergraph.join_minor >= 4:
        field_args.append("overrideLabel: String")
    if supergraph.join_minor >= 5:
        field_args.append("contextArguments: [join__ContextArgument!]")
    definitions = {
        "join__enumValue": _directive(
            "join__enumValue", ["graph: join__Graph!"], "repeatable on ENUM_VALUE"
        ),
        "join__field": _directive(
            "join__field", field_args, "repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION"
        ),
        "join__graph": _directive(
            "join__graph", ["name: String!", "url: String!"], "on ENUM_VALUE"
        ),
        "join__implements": _directive(
            "join__implements",
            ["graph: join__Graph!", "interface: String!"],
            "repeatable on OBJECT | INTERFACE",
        ),
        "join__type": _directive(
            "join__type",
            [
                "graph: join__Graph!",
                "key: join__FieldSet",
                "extension: Boolean! = false",
                "resolvable: Boolean! = true",
                "isInterfaceObject: Boolean! = false",
            ],
            "repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
        ),
        "join__unionMember": _directive(
            "join__unionMember", ["graph: join__Graph!", "member: String!"], "repeatable on UNION"
        ),
        "link": _directive(
            "link",
            ["url: String", "as: String", "for: link__Purpose", "import: [link__Import]"],
            "repeatable on SCHEMA",
        ),
    }
    if supergraph.join_minor >= 5:
        definitions["join__directive"] = _directive(
            "join__directive",
            ["graphs: [join__Graph!]", "name: String!", "args: join__DirectiveArguments"],
            "repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION",
        )
    definitions.update(supergraph.composed_directives)
    for feature, (name, args, locations) in _FEATURE_DIRECTIVES.items():
        if feature in supergraph.features:
            definitions[name] = _directive(name, args, locations)
    for feature, directives in _MORE_DIRECTIVES.items():
        if feature in supergraph.features:
            for name, args, locations in directives:
                definitions[name] = _directive(name, args, locations)
    return definitions


def _directive(name: str, args: list[str], locations: str) -> str:
    if not args:
        return f"directive @{name} {locations}"
    one_line = f"directive @{name}({', '.join(args)}) {locations}"
    if len(one_line) <= WIDTH:
        return one_line
    return f"directive @{name}(\n" + "\n".join(f"  {a}" for a in args) + f"\n) {locations}"


def _graph_enum(supergraph: Supergraph) -> str:
    lines = ["enum join__Graph {"]
    for graph, name, url in supergraph.graphs:
        lines.append(
            _with_directives(
                f"  {graph}",
                [f"@join__graph(name: {json.dumps(name)}, url: {json.dumps(url)})"],
                "    ",
            )
        )
    return "\n".join(lines) + "\n}"


def _with_directives(head: str, directives: list[str], indent: str) -> str:
    if not directives:
        return head
    one_line = head + " " + " ".join(directives)
    if len(one_line) <= WIDTH:
        return one_line
    return head + "".join(f"\n{indent}{d}" for d in directives)


def _description(text: str | None, indent: str) -> str:
    if text is None:
        return ""
    body = text.replace('"""', '\\"""')
    lines = "\n".join(f"{indent}{line}" if line else "" for line in body.split("\n"))
    return f'{indent}"""\n{lines}\n{indent}"""\n'


def _applied(directives: list[DirectiveNode]) -> list[str]:
    return [print_ast(d) for d in directives]


def _join_type(join: JoinType) -> str:
    args = [f"graph: {join.graph}"]
    if join.key is not None:
        args.append(f"key: {json.dumps(join.key)}")
    if join.extension:
        args.append("extension: true")
    if not join.resolvable:
        args.append("resolvable: false")
    if join.interface_object:
        args.append("isInterfaceObject: true")
    return f"@join__type({', '.join(args)})"


def _join_field(join: JoinField) -> str:
    args = [f"graph: {join.graph}"] if join.graph else []
    for name in ("requires", "provides", "type", "override"):
        value = getattr(join, name)
        if value is not None:
            args.append(f"{name}: {json.dumps(value)}")
    if join.external:
        args.append("external: true")
    if join.used_overridden:
        args.append("usedOverridden: true")
    if join.override_label is not None:
        args.append(f"overrideLabel: {json.dumps(join.override_label)}")
    if join.context_arguments:
        items = ", ".join(
            f"{{context: {json.dumps(context)}, name: {json.dumps(name)}, "
            f"type: {json.dumps(type_)}, selection: {json.dumps(selection)}}}"
            for context, name, type_, selection in join.context_arguments
        )
        args.append(f"contextArguments: [{items}]")
    return f"@join__field({', '.join(args)})" if args else "@join__field"


def _type(merged: MergedType) -> str:
    keyword = {
        OBJECT: "type",
        INTERFACE: "interface",
        UNION: "union",
        ENUM: "enum",
        INPUT_OBJECT: "input",
        SCALAR: "scalar",
    }[merged.kind]
    head = f"{keyword} {merged.name}"
    if merged.interfaces:
        head += " implements " + " & ".join(merged.interfaces)
    directives = [_join_type(j) for j in merged.join_types]
    directives += [
        f"@join__implements(graph: {g}, interface: {json.dumps(i)})" for g, i in merged.implements
    ]
    directives += [
        f"@join__unionMember(graph: {g}, member: {json.dumps(m)})" for g, m in merged.union_members
    ]
    directives += _applied(merged.applied)
    text = _description(merged.description, "") + _with_directives(head, directives, "  ")
    if merged.kind == UNION:
        members = " | ".join(merged.members)
        single = f"{text} = {members}"
        if len(single.split("\n")[-1]) <= WIDTH:
            return single
        return text + "\n  = " + "\n  | ".join(merged.members)
    if merged.kind == SCALAR:
        return text
    if merged.kind == ENUM:
        body = []
        for value in merged.values.values():
            value_directives = [f"@join__enumValue(graph: {g})" for g in value.graphs] + _applied(
                value.applied
            )
            body.append(
                _description(value.description, "  ")
                + _with_directives(f"  {value.name}", value_directives, "    ")
            )
        return text + " {\n" + "\n".join(body) + "\n}"
    body = []
    for field in merged.fields.values():
        signature = f"  {field.name}{_arguments(field.args)}: {print_ast(field.type)}"
        if field.default is not None:
            signature += f" = {print_ast(field.default)}"
        field_directives = [_join_field(j) for j in field.joins] + _applied(field.applied)
        body.append(
            _description(field.description, "  ")
            + _with_directives(signature, field_directives, "    ")
        )
    return text + " {\n" + "\n".join(body) + "\n}"


def _arguments(args: dict[str, MergedArgument]) -> str:
    if not args:
        return ""
    parts = []
    multiline = any(a.description for a in args.values())
    for arg in args.values():
        part = f"{arg.name}: {print_ast(arg.type)}"
        if arg.default is not None:
            part += f" = {print_ast(arg.default)}"
        applied = _applied(arg.applied)
        if applied:
            part += " " + " ".join(applied)
        parts.append((arg.description, part))
    if not multiline:
        return "(" + ", ".join(p for _, p in parts) + ")"
    lines = [_description(d, "    ") + f"    {p}" for d, p in parts]
    return "(\n" + "\n".join(lines) + "\n  )"
