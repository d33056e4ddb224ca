"""A subgraph's `@link` directives: federation version, local names of spec directives, and
that every subgraph imports a composed spec directive under the same name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphql.language import (
    DirectiveNode,
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
)

if TYPE_CHECKING:
    from .errors import Report
    from .model import SubgraphModel

FEDERATION_DIRECTIVES = (
    "key",
    "external",
    "requires",
    "provides",
    "shareable",
    "override",
    "inaccessible",
    "tag",
    "interfaceObject",
    "extends",
    "composeDirective",
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "fromContext",
    "cost",
    "listSize",
)
# federation directives newer than v2.0: the version that brought each (importing one from an
# older version is an error, as in Apollo's composition)
SINCE_VERSION = {
    "context": (2, 8),
    "fromContext": (2, 8),
    "cost": (2, 9),
    "listSize": (2, 9),
}
FEDERATION_1_DIRECTIVES = (
    "key",
    "external",
    "requires",
    "provides",
    "extends",
    "tag",
    "inaccessible",
)
# spec url fragment -> directives it defines
OTHER_SPECS = {
    "inaccessible": ("inaccessible",),
    "tag": ("tag",),
    "authenticated": ("authenticated",),
    "requiresScopes": ("requiresScopes",),
    "policy": ("policy",),
    "cost": ("cost", "listSize"),
}
_FEDERATION_URL = re.compile(r"^https?://specs\.apollo\.dev/federation/v(\d+)\.(\d+)/?$")
_SPEC_URL = re.compile(r"^https?://specs\.apollo\.dev/([A-Za-z]+)/v(\d+)\.(\d+)/?$")


class LinkError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Links:
    """Local directive name -> the spec's own name, plus what the subgraph links."""

    fed2: bool
    version: tuple[int, int] = (1, 0)
    names: dict[str, str] = field(default_factory=dict)
    specs: set[str] = field(default_factory=set)
    # `@link`s to unknown specs, by url (kept if one of their directives is composed)
    custom_links: dict[str, DirectiveNode] = field(default_factory=dict)
    # directives named by `@composeDirective(name: "@x")`, without the "@"
    composed: list[str] = field(default_factory=list)

    def canonical(self, local: str) -> str | None:
        if local in self.composed:
            return local
        return self.names.get(local)


def argument(directive: DirectiveNode, name: str) -> ValueNode | None:
    for arg in directive.arguments or ():
        if arg.name.value == name:
            return arg.value
    return None


def string_argument(directive: DirectiveNode, name: str) -> str | None:
    value = argument(directive, name)
    return value.value if isinstance(value, StringValueNode) else None


def read_links(document: DocumentNode) -> Links:
    """Find `@link`s on the schema; without a federation link the subgraph is Federation 1."""
    link_directives: list[DirectiveNode] = []
    schema_directives: list[DirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            schema_directives.extend(definition.directives or ())
            link_directives.extend(d for d in definition.directives or () if d.name.value == "link")
    links = Links(fed2=False)
    for directive in link_directives:
        url = string_argument(directive, "url")
        if url is None:
            raise LinkError("INVALID_LINK_DIRECTIVE_USAGE", "@link is missing its url argument")
        fed = _FEDERATION_URL.match(url)
        if fed:
            version = (int(fed.group(1)), int(fed.group(2)))
            if version[0] != 2 or version[1] > 11:
                raise LinkError(
                    "UNKNOWN_FEDERATION_LINK_VERSION",
                    f"Invalid version v{version[0]}.{version[1]} for the federation feature in "
                    "@link directive on schema",
                )
            links.fed2 = True
            links.version = version
            known = tuple(
                d for d in FEDERATION_DIRECTIVES if SINCE_VERSION.get(d, (2, 0)) <= version
            )
            _bind(links, directive, "federation", known)
            continue
        spec = _SPEC_URL.match(url)
        if spec and spec.group(1) in OTHER_SPECS:
            links.specs.add(spec.group(1))
            _bind(links, directive, spec.group(1), OTHER_SPECS[spec.group(1)])
        elif not url.startswith(("https://specs.apollo.dev/", "http://specs.apollo.dev/")):
            links.custom_links[url] = directive
    for directive in schema_directives:
        if links.names.get(directive.name.value) == "composeDirective":
            name = string_argument(directive, "name")
            if name is None or not name.startswith("@"):
                raise LinkError(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    "Argument to @composeDirective must be a directive name starting with '@', "
                    f"got {name!r}",
                )
            links.composed.append(name[1:])
    if not links.fed2:
        for name in FEDERATION_1_DIRECTIVES:
            links.names.setdefault(name, name)
    return links


def _bind(
    links: Links, directive: DirectiveNode, default_namespace: str, known: tuple[str, ...]
) -> None:
    namespace = string_argument(directive, "as") or default_namespace
    imported: dict[str, str] = {}
    imports = argument(directive, "import")
    if isinstance(imports, ListValueNode):
        for item in imports.values:
            if isinstance(item, StringValueNode):
                imported[item.value] = item.value
            elif isinstance(item, ObjectValueNode):
                name = alias = None
                for object_field in item.fields:
                    if isinstance(object_field.value, StringValueNode):
                        if object_field.name.value == "name":
                            name = object_field.value.value
                        elif object_field.name.value == "as":
                            alias = object_field.value.value
                if name:
                    imported[name] = alias or name
    if default_namespace == "federation":
        for name in imported:
            bare = name.lstrip("@")
            if name.startswith("@") and bare in SINCE_VERSION and bare not in known:
                major, minor = SINCE_VERSION[bare]
                raise LinkError(
                    "INVALID_LINK_DIRECTIVE_USAGE",
                    f'Cannot import unknown element "{name}": it needs federation '
                    f"v{major}.{minor} or later in the @link url.",
                )
    for name in known:
        local = imported.get("@" + name)
        if local is not None:
            links.names[local.lstrip("@")] = name
        links.names[f"{namespace}__{name}"] = name
    # a spec's own directive keeps its bare name when the spec is linked under its default name
    if namespace == default_namespace and default_namespace != "federation":
        links.names.setdefault(default_namespace, known[0])


def check_import_names(subgraphs: list[SubgraphModel], report: Report) -> None:
    """A spec directive composed into the supergraph must be imported under one name."""
    first: dict[str, tuple[str, str]] = {}
    for subgraph in subgraphs:
        for directive, local in subgraph.import_names.items():
            seen = first.setdefault(directive, (subgraph.name, local))
            if seen[1] != local:
                report.error(
                    "LINK_IMPORT_NAME_MISMATCH",
                    f'The import name "@{directive}" is imported with mismatched name between '
                    f'subgraphs: it is imported as "@{seen[1]}" in subgraph "{seen[0]}" and '
                    f'"@{local}" in subgraph "{subgraph.name}"',
                    (seen[0], subgraph.name),
                )
