"""Walk a validated operation and collect the fields whose auth requirements a principal misses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)


class Requirement(Protocol):
    authenticated: bool
    scopes: tuple[tuple[str, ...], ...]


class RequirementSource(Protocol):
    """What the walk needs of the supergraph model."""

    @property
    def api_schema(self) -> GraphQLSchema: ...

    def auth_requirements(self, type_name: str, field_name: str | None) -> Requirement | None: ...


def meets(requirement: Requirement | None, authenticated: bool, scopes: frozenset[str]) -> bool:
    """`@authenticated`: any signed-in principal; `@requiresScopes`: OR of AND-lists of scopes.

    `@policy` fails closed: the gateway has no policy evaluator, so no policy is ever granted
    (as in Apollo Router without a coprocessor) and a field behind one is never served.
    """
    if requirement is None:
        return True
    if getattr(requirement, "policies", ()):
        return False
    if requirement.authenticated and not authenticated:
        return False
    if requirement.scopes:
        return any(all(s in scopes for s in group) for group in requirement.scopes)
    return True


def denied_fields(
    source: RequirementSource,
    document: DocumentNode,
    operation_name: str | None,
    *,
    authenticated: bool,
    scopes: frozenset[str],
) -> frozenset[int]:
    """`FieldNode.loc.start` of every field of the operation the principal may not read.

    A denied field is not descended into. A field read through an interface requires what the
    field requires on every implementation. Type-level requirements apply to the type's own
    fields and to every field returning the type.
    """
    return _Walk(source, document, authenticated, scopes).run(operation_name)


class _Walk:
    def __init__(
        self,
        source: RequirementSource,
        document: DocumentNode,
        authenticated: bool,
        scopes: frozenset[str],
    ) -> None:
        self.source = source
        self.schema = source.api_schema
        self.authenticated = authenticated
        self.scopes = scopes
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self.denied: set[int] = set()
        self.visited_fragments: set[str] = set()
        self._allowed: dict[tuple[str, str], bool] = {}

    def run(self, operation_name: str | None) -> frozenset[int]:
        for operation in self.operations:
            name = operation.name.value if operation.name else None
            if operation_name is not None and name != operation_name:
                continue
            root = self.schema.get_root_type(operation.operation)
            if root is not None:
                self.selections(root, operation.selection_set)
            if operation_name is None:
                break
        return frozenset(self.denied)

    def selections(self, parent: GraphQLNamedType, selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition: GraphQLNamedType | None = parent
                if selection.type_condition is not None:
                    condition = self.schema.get_type(selection.type_condition.name.value)
                if condition is not None:
                    self.selections(condition, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self.visited_fragments:
                    continue  # denial depends only on the fragment, so walk it once
                self.visited_fragments.add(name)
                condition = self.schema.get_type(fragment.type_condition.name.value)
                if condition is not None:
                    self.selections(condition, fragment.selection_set)

    def field(self, parent: GraphQLNamedType, node: FieldNode) -> None:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return
        definition = parent.fields.get(name)
        if definition is None:
            return
        if not self.allowed(parent, name):
            if node.loc is not None:
                self.denied.add(node.loc.start)
            return
        if node.selection_set is not None:
            self.selections(get_named_type(definition.type), node.selection_set)

    def allowed(self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str) -> bool:
        key = (parent.name, name)
        cached = self._allowed.get(key)
        if cached is None:
            cached = all(
                meets(r, self.authenticated, self.scopes) for r in self.requirements(parent, name)
            )
            self._allowed[key] = cached
        return cached

    def requirements(
        self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str
    ) -> Iterable[Requirement | None]:
        # The model combines the field's, its parent type's and its return type's requirements.
        owners: list[GraphQLNamedType] = [parent]
        if isinstance(parent, GraphQLInterfaceType):
            owners.extend(self.schema.get_possible_types(parent))
        for owner in owners:
            yield self.source.auth_requirements(owner.name, name)
