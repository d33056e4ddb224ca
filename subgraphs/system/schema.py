"""The system subgraph's schema: settings and the audit log, with their roles."""

from __future__ import annotations

import strawberry

from subgraphs.kit.directives import requires_role
from subgraphs.kit.schema import SubgraphSchema
from subgraphs.system import audit_resolvers, settings_resolvers
from subgraphs.system.types import AuditEntryConnection, Setting, User


@strawberry.type
class Query:
    settings: list[Setting] = strawberry.field(
        resolver=settings_resolvers.settings, directives=requires_role("editor")
    )
    setting: Setting = strawberry.field(
        resolver=settings_resolvers.setting, directives=requires_role("editor")
    )
    audit_log: AuditEntryConnection = strawberry.field(
        resolver=audit_resolvers.audit_log_page, directives=requires_role("admin")
    )


@strawberry.type
class Mutation:
    update_setting: Setting = strawberry.mutation(
        resolver=settings_resolvers.update_setting, directives=requires_role("admin")
    )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[User])
