"""Reads one subgraph's SDL into a `SubgraphModel`, resolving directive names and root types."""

from __future__ import annotations

import re

from graphql import GraphQLSyntaxError, parse
from graphql.language import (
    BooleanValueNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NameNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    print_ast,
)

from .demand_control import DEMAND_CONTROL
from .errors import Report
from .links import LinkError, Links, argument, read_links, string_argument
from .model import (
    ENUM,
    INPUT_OBJECT,
    INTERFACE,
    OBJECT,
    ROOT_TYPES,
    SCALAR,
    UNION,
    ArgumentModel,
    ContextArgumentModel,
    EnumValueModel,
    FieldModel,
    KeyModel,
    SubgraphModel,
    TypeModel,
    graph_enum_name,
)
from .subgraph_graphql import check_graphql
from .subgraph_schema import check_directives, check_references, rename_roots

# types a federation library adds to a subgraph; they never reach the supergraph
FEDERATION_TYPES = frozenset(
    {
        "_Service",
        "_Any",
        "_Entity",
        "_FieldSet",
        "FieldSet",
        "federation__FieldSet",
        "federation__Scope",
        "federation__Policy",
        "federation__ContextFieldValue",
        "link__Import",
        "link__Purpose",
        "requiresScopes__Scope",
        "policy__Policy",
        "Scope",
        "Policy",
        "ContextFieldValue",
    }
)
_FROM_CONTEXT = re.compile(r"^[\s,]*\$[\s,]*([A-Za-z_]\w*)([\s\S]*)$")
_UNPREFIXED_SCALARS = frozenset({"Scope", "Policy", "ContextFieldValue", "FieldSet"})
FEDERATION_QUERY_FIELDS = frozenset({"_service", "_entities"})
# directives whose applications the supergraph keeps, under these names
CARRIED = frozenset(
    {
        "deprecated",
        "tag",
        "inaccessible",
        "authenticated",
        "requiresScopes",
        "policy",
        "specifiedBy",
        "cost",
        "listSize",
    }
)

_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: OBJECT,
    ObjectTypeExtensionNode: OBJECT,
    InterfaceTypeDefinitionNode: INTERFACE,
    InterfaceTypeExtensionNode: INTERFACE,
    UnionTypeDefinitionNode: UNION,
    UnionTypeExtensionNode: UNION,
    EnumTypeDefinitionNode: ENUM,
    EnumTypeExtensionNode: ENUM,
    InputObjectTypeDefinitionNode: INPUT_OBJECT,
    InputObjectTypeExtensionNode: INPUT_OBJECT,
    ScalarTypeDefinitionNode: SCALAR,
    ScalarTypeExtensionNode: SCALAR,
}


def read_subgraph(name: str, url: str, sdl: str, report: Report) -> SubgraphModel | None:
    """Parse and read one subgraph; on a problem, record it in `report` and return None."""
    try:
        document = parse(sdl)
    except GraphQLSyntaxError as exc:
        report.error("INVALID_GRAPHQL", f"[{name}] {exc.message} (line {_line(exc)})", (name,))
        return None
    try:
        links = read_links(document)
    except LinkError as exc:
        report.error(exc.code, f"[{name}] {exc.message}", (name,))
        return None
    renamed = rename_roots(name, document, report)
    if renamed is None:
        return None
    document = renamed
    subgraph_definitions: dict[str, DirectiveDefinitionNode] = {}
    if not check_directives(name, document, links, report) or not check_graphql(
        name, document, report
    ):
        return None
    for definition in document.definitions:
        if (
            isinstance(definition, DirectiveDefinitionNode)
            and definition.name.value in links.composed
        ):
            subgraph_definitions[definition.name.value] = definition
    for composed in links.composed:
        if composed not in subgraph_definitions:
            report.error(
                "DIRECTIVE_COMPOSITION_ERROR",
                f"[{name}] Could not find matching directive definition for argument to "
                f'@composeDirective "@{composed}".',
                (name,),
            )
            return None
    subgraph = SubgraphModel(
        name=name,
        url=url,
        graph=graph_enum_name(name),
        fed2=links.fed2,
        version=links.version,
        uses=set(links.specs),
    )
    definitions: dict[str, TypeModel] = {}
    defined: set[str] = set()
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        type_name = definition.name.value
        # unprefixed `Scope`, `Policy`, ... are the library's only as scalars: an enum or an
        # object of that name is the user's own type
        if type_name in FEDERATION_TYPES and (
            type_name not in _UNPREFIXED_SCALARS
            or isinstance(definition, ScalarTypeDefinitionNode | ScalarTypeExtensionNode)
        ):
            continue
        kind = _KINDS[type(definition)]
        model = definitions.get(type_name)
        if model is None:
            model = definitions[type_name] = TypeModel(name=type_name, kind=kind, extension=True)
        elif model.kind != kind:
            report.error(
                "INVALID_GRAPHQL",
                f'[{name}] Type "{type_name}" is declared both as {model.kind} and {kind}.',
                (name,),
                type_name,
            )
            continue
        if isinstance(definition, TypeDefinitionNode):
            defined.add(type_name)
            model.extension = False
            if definition.description is not None and model.description is None:
                model.description = definition.description.value
        _read_type(name, model, definition, links, report)
    for model in definitions.values():
        if model.name == "Query":
            for field_name in FEDERATION_QUERY_FIELDS:
                model.fields.pop(field_name, None)
        model.extends_only = model.extension and model.name not in ROOT_TYPES
        if not links.fed2:
            # Federation 1 wrote `extend type` for entities owned elsewhere; Fed 2 has no owner
            # (an explicit @extends stays an extension, as Apollo's upgrade keeps it)
            model.extension = model.extends_directive
        subgraph.types[model.name] = model
    subgraph.composed = subgraph_definitions
    subgraph.import_names = {
        canonical: local
        for local, canonical in links.names.items()
        if canonical in DEMAND_CONTROL and "__" not in local
    }
    subgraph.composed_links = [
        link
        for link in links.custom_links.values()
        if any(f'"@{name}"' in print_ast(link) for name in links.composed)
    ]
    # every subgraph answers queries (`_entities`, `_service`), so every subgraph has a Query type
    subgraph.types.setdefault("Query", TypeModel(name="Query", kind=OBJECT))
    check_references(subgraph, report)
    return subgraph


def _line(exc: GraphQLSyntaxError) -> str:
    locations = exc.locations or []
    return str(locations[0].line) if locations else "?"


def _read_type(
    subgraph: str,
    model: TypeModel,
    definition: TypeDefinitionNode | TypeExtensionNode,
    links: Links,
    report: Report,
) -> None:
    for directive in definition.directives or ():
        canonical = links.canonical(directive.name.value)
        if canonical is None:
            canonical = (
                directive.name.value
                if directive.name.value in ("deprecated", "specifiedBy")
                else None
            )
        if canonical == "key":
            fields = string_argument(directive, "fields")
            if fields is None:
                report.error(
                    "KEY_INVALID_FIELDS_TYPE",
                    f'[{subgraph}] On type "{model.name}", for @key: Invalid value for argument '
                    '"fields": must be a string.',
                    (subgraph,),
                    model.name,
                )
                continue
            resolvable = argument(directive, "resolvable")
            model.keys.append(
                KeyModel(
                    fields, not (isinstance(resolvable, BooleanValueNode) and not resolvable.value)
                )
            )
        elif canonical == "shareable":
            model.shareable = True
        elif canonical == "extends":
            model.extension = True
            model.extends_directive = True
        elif canonical == "interfaceObject":
            model.interface_object = True
        elif canonical == "context":
            name = string_argument(directive, "name")
            model.contexts.append(name if name is not None else "")
        elif canonical in CARRIED or canonical in links.composed:
            model.applied.append(_renamed(directive, canonical))
    block_shareable = any(
        links.canonical(d.name.value) == "shareable" for d in definition.directives or ()
    )
    # a type-level @external marks every field of its own definition or extension block
    block_external = any(
        links.canonical(d.name.value) == "external" for d in definition.directives or ()
    )
    if isinstance(definition, TypeDefinitionNode) and any(
        links.canonical(d.name.value) == "extends" for d in definition.directives or ()
    ):
        model.extension = True
    if isinstance(
        definition,
        ObjectTypeDefinitionNode
        | ObjectTypeExtensionNode
        | InterfaceTypeDefinitionNode
        | InterfaceTypeExtensionNode,
    ):
        for interface in definition.interfaces or ():
            if interface.name.value not in model.interfaces:
                model.interfaces.append(interface.name.value)
        for field_node in definition.fields or ():
            field = FieldModel(name=field_node.name.value, type=field_node.type)
            if field_node.description is not None:
                field.description = field_node.description.value
            for arg in field_node.arguments or ():
                contextual = _context_argument(arg, links)
                if contextual is not None:
                    field.context_arguments.append(contextual)
                    continue
                field.args[arg.name.value] = ArgumentModel(
                    name=arg.name.value,
                    type=arg.type,
                    default=arg.default_value,
                    description=arg.description.value if arg.description else None,
                    applied=_carried(arg.directives, links),
                )
            _read_field_directives(subgraph, model, field, field_node.directives, links, report)
            if block_external:
                field.external = True
            # a type-level @shareable covers the fields of its own definition or extension block
            if not links.fed2 or block_shareable:
                field.shareable = True
            model.fields[field.name] = field
    elif isinstance(definition, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
        for input_node in definition.fields or ():
            model.fields[input_node.name.value] = FieldModel(
                name=input_node.name.value,
                type=input_node.type,
                default=input_node.default_value,
                description=input_node.description.value if input_node.description else None,
                applied=_carried(input_node.directives, links),
            )
    elif isinstance(definition, UnionTypeDefinitionNode | UnionTypeExtensionNode):
        for member in definition.types or ():
            if member.name.value not in model.members:
                model.members.append(member.name.value)
    elif isinstance(definition, EnumTypeDefinitionNode | EnumTypeExtensionNode):
        for value in definition.values or ():
            model.values[value.name.value] = EnumValueModel(
                name=value.name.value,
                description=value.description.value if value.description else None,
                applied=_carried(value.directives, links),
            )
    if not links.fed2 and model.kind == OBJECT:
        model.shareable = model.shareable or not model.keys


def _read_field_directives(
    subgraph: str,
    model: TypeModel,
    field: FieldModel,
    directives: tuple[DirectiveNode, ...] | None,
    links: Links,
    report: Report,
) -> None:
    coordinate = f"{model.name}.{field.name}"
    for directive in directives or ():
        canonical = links.canonical(directive.name.value)
        if canonical is None and directive.name.value == "deprecated":
            canonical = "deprecated"
        if canonical == "external":
            field.external = True
        elif canonical in ("requires", "provides"):
            fields = string_argument(directive, "fields")
            if fields is None:
                report.error(
                    f"{canonical.upper()}_INVALID_FIELDS_TYPE",
                    f'[{subgraph}] On field "{coordinate}", for @{canonical}: Invalid value for '
                    'argument "fields": must be a string.',
                    (subgraph,),
                    coordinate,
                )
                continue
            setattr(field, canonical, fields)
        elif canonical == "shareable":
            field.shareable = True
        elif canonical == "override":
            field.override = string_argument(directive, "from")
            field.override_label = string_argument(directive, "label")
        elif canonical in CARRIED or canonical in links.composed:
            field.applied.append(_renamed(directive, canonical))


def _context_argument(arg: InputValueDefinitionNode, links: Links) -> ContextArgumentModel | None:
    """The argument as a context argument when it has `@fromContext(field: "$ctx { prop }")`
    (context "ctx", selection " { prop }"); without a `$name` the context is "" (an error later)."""
    for directive in arg.directives or ():
        if links.canonical(directive.name.value) != "fromContext":
            continue
        text = string_argument(directive, "field") or ""
        match = _FROM_CONTEXT.match(text)
        context, selection = (match.group(1), match.group(2)) if match else ("", text)
        return ContextArgumentModel(
            arg.name.value, arg.type, context, selection, arg.default_value is not None
        )
    return None


def _carried(directives: tuple[DirectiveNode, ...] | None, links: Links) -> list[DirectiveNode]:
    carried = []
    for directive in directives or ():
        canonical = links.canonical(directive.name.value) or directive.name.value
        if (canonical in CARRIED or canonical in links.composed) and (
            canonical == "deprecated" or links.canonical(directive.name.value)
        ):
            carried.append(_renamed(directive, canonical))
    return carried


def _renamed(directive: DirectiveNode, canonical: str) -> DirectiveNode:
    if directive.name.value == canonical:
        return directive
    return DirectiveNode(name=NameNode(value=canonical), arguments=directive.arguments)
