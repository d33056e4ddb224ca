"""Reads the schema's `@link` directives: the local name of every spec directive and type."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

from supergraph.model.errors import SupergraphError

_SPEC_URL = re.compile(r"/([A-Za-z_][A-Za-z0-9_]*)/v(\d+)\.(\d+)/?$")


@dataclass(frozen=True, slots=True)
class Link:
    """One `@link(url:, as:, import:)`: a spec, its version and how its names appear here."""

    spec: str
    version: tuple[int, int]
    prefix: str
    imports: dict[str, str] = field(default_factory=dict)  # "@name"/"Name" -> local name

    def directive(self, name: str) -> str:
        """The local name of the spec's directive `name` (without "@")."""
        imported = self.imports.get("@" + name)
        if imported is not None:
            return imported.lstrip("@")
        if name == self.spec:
            return self.prefix
        return f"{self.prefix}__{name}"

    def type_name(self, name: str) -> str:
        return self.imports.get(name) or f"{self.prefix}__{name}"

    def owns(self, local_name: str) -> bool:
        """Whether a local directive or type name belongs to this spec."""
        bare = local_name.lstrip("@")
        if bare == self.prefix or bare.startswith(self.prefix + "__"):
            return True
        return any(v.lstrip("@") == bare for v in self.imports.values())


@dataclass(frozen=True, slots=True)
class Links:
    """Every link of the schema, by spec name."""

    by_spec: dict[str, Link]

    def get(self, spec: str) -> Link | None:
        return self.by_spec.get(spec)

    def directive(self, spec: str, name: str) -> str | None:
        link = self.by_spec.get(spec)
        return link.directive(name) if link is not None else None

    def is_spec_element(self, local_name: str) -> bool:
        """Whether a directive/type name comes from a spec kept out of the API schema."""
        bare = local_name.lstrip("@")
        if bare in ("link", "core") or bare.startswith(("link__", "join__", "core__")):
            return True
        return any(link.owns(local_name) for link in self.by_spec.values())


def read_links(document: DocumentNode) -> Links:
    directives: list[DirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            directives.extend(definition.directives or ())
    by_spec: dict[str, Link] = {}
    for directive in directives:
        args = {a.name.value: a.value for a in directive.arguments or ()}
        url = args.get("url") or args.get("feature")
        if not isinstance(url, StringValueNode):
            continue
        match = _SPEC_URL.search(url.value)
        if match is None:
            continue
        spec = match.group(1)
        version = (int(match.group(2)), int(match.group(3)))
        alias = args.get("as")
        prefix = alias.value if isinstance(alias, StringValueNode) else spec
        imports = _imports(args.get("import"), spec)
        if spec in by_spec and by_spec[spec].version >= version:
            continue
        by_spec[spec] = Link(spec, version, prefix, imports)
    if "join" not in by_spec:
        raise SupergraphError(
            "the schema has no @link to the join spec (https://specs.apollo.dev/join/v0.x): "
            "this is a subgraph or plain schema, not a Federation 2 supergraph"
        )
    return Links(by_spec)


def _imports(value: ValueNode | None, spec: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if not isinstance(value, ListValueNode):
        return out
    for item in value.values:
        if isinstance(item, StringValueNode):
            out[item.value] = item.value
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: f.value for f in item.fields}
            name, alias = fields.get("name"), fields.get("as")
            if isinstance(name, StringValueNode):
                out[name.value] = alias.value if isinstance(alias, StringValueNode) else name.value
    return out
