"""Document-level checks of one subgraph: known directives, root type names, type references."""

from __future__ import annotations

from graphql.language import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    NamedTypeNode,
    NameNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    Visitor,
    visit,
)

from .errors import Report
from .links import FEDERATION_DIRECTIVES, Links
from .model import BUILTIN_SCALARS, SubgraphModel
from .typing_rules import named_type

_BUILTIN_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "skip", "include", "oneOf", "link"})


def check_directives(name: str, document: DocumentNode, links: Links, report: Report) -> bool:
    """Every applied directive must be defined, built in, or linked (imported or namespaced)."""
    known = set(_BUILTIN_DIRECTIVES) | set(links.names)
    known.update(
        d.name.value for d in document.definitions if isinstance(d, DirectiveDefinitionNode)
    )
    unknown: list[str] = []

    class Collector(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: object) -> None:
            if node.name.value not in known:
                unknown.append(node.name.value)

    visit(document, Collector())
    for directive in dict.fromkeys(unknown):
        message = f'[{name}] Unknown directive "@{directive}".'
        if links.fed2 and directive in FEDERATION_DIRECTIVES:
            message = (
                f'[{name}] Unknown directive "@{directive}". If you meant the "@{directive}" '
                "federation "
                f'directive, you should use fully-qualified name "@federation__{directive}" or add '
                f'"@{directive}" to the `import` argument of the @link to the federation '
                "specification."
            )
        report.error("INVALID_GRAPHQL", message, (name,))
    return not unknown


def rename_roots(name: str, document: DocumentNode, report: Report) -> DocumentNode | None:
    """Root operation types take their default names (`schema { query: Root }` -> `Query`)."""
    renames: dict[str, str] = {}
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            for operation in definition.operation_types or ():
                default = operation.operation.value.capitalize()
                if operation.type.name.value != default:
                    renames[operation.type.name.value] = default
    if not renames:
        return document
    existing = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode | TypeExtensionNode)
    }
    ok = True
    for old, new in renames.items():
        if new in existing and new not in renames:
            code = {"Query": "ROOT_QUERY_USED", "Mutation": "ROOT_MUTATION_USED"}.get(
                new, "ROOT_SUBSCRIPTION_USED"
            )
            report.error(
                code,
                f'[{name}] The schema has a type named "{new}" but it is not set as the '
                f"{new.lower()} root type "
                f'("{old}" is instead): this is not supported by federation. If a root type does '
                "not use its "
                "default name, there should be no other type with that default name.",
                (name,),
                new,
            )
            ok = False
    if not ok:
        return None

    class Renamer(Visitor):
        def enter_named_type(self, node: NamedTypeNode, *_: object) -> NamedTypeNode | None:
            if node.name.value in renames:
                return NamedTypeNode(name=NameNode(value=renames[node.name.value]))
            return None

        def enter(self, node: object, *_: object) -> object:
            if (
                isinstance(node, TypeDefinitionNode | TypeExtensionNode)
                and node.name.value in renames
            ):
                values = {key: getattr(node, key) for key in node.keys}
                values["name"] = NameNode(value=renames[node.name.value])
                return type(node)(**values)
            return None

    result = visit(document, Renamer())
    assert isinstance(result, DocumentNode)
    return result


def check_references(subgraph: SubgraphModel, report: Report) -> None:
    known = set(subgraph.types) | BUILTIN_SCALARS
    for model in subgraph.types.values():
        references: list[tuple[str, str]] = []
        for field in model.fields.values():
            references.append((named_type(field.type), f"{model.name}.{field.name}"))
            for arg in field.args.values():
                references.append((named_type(arg.type), f"{model.name}.{field.name}({arg.name}:)"))
        references.extend((member, model.name) for member in model.members)
        references.extend((interface, model.name) for interface in model.interfaces)
        for type_name, coordinate in references:
            if type_name not in known:
                report.error(
                    "INVALID_GRAPHQL",
                    f'[{subgraph.name}] Unknown type "{type_name}" (referenced by "{coordinate}").',
                    (subgraph.name,),
                    coordinate,
                )
