"""The plugins subgraph's schema (port 4004): plugin lifecycle, supergraph history; admins only."""

from __future__ import annotations

import strawberry

from subgraphs.kit.directives import requires_role
from subgraphs.kit.schema import SubgraphSchema
from subgraphs.plugins import resolvers
from subgraphs.plugins.resolvers import Plugin
from subgraphs.plugins.types import PluginTaskRun, SupergraphVersion, UploadedPlugin, User

ADMIN = requires_role("admin")


@strawberry.type
class Query:
    plugins: list[Plugin] = strawberry.field(resolver=resolvers.plugins, directives=ADMIN)
    plugin: Plugin | None = strawberry.field(resolver=resolvers.plugin, directives=ADMIN)
    plugin_settings: strawberry.scalars.JSON = strawberry.field(
        resolver=resolvers.plugin_settings_of, directives=ADMIN
    )
    plugin_task_runs: list[PluginTaskRun] = strawberry.field(
        resolver=resolvers.plugin_task_runs, directives=ADMIN
    )
    supergraph_versions: list[SupergraphVersion] = strawberry.field(
        resolver=resolvers.supergraph_versions, directives=ADMIN
    )


@strawberry.type
class Mutation:
    upload_plugin: UploadedPlugin = strawberry.mutation(
        resolver=resolvers.upload_plugin, directives=ADMIN
    )
    install_plugin: Plugin = strawberry.mutation(
        resolver=resolvers.install_plugin, directives=ADMIN
    )
    activate_plugin: Plugin = strawberry.mutation(
        resolver=resolvers.activate_plugin, directives=ADMIN
    )
    deactivate_plugin: Plugin = strawberry.mutation(
        resolver=resolvers.deactivate_plugin, directives=ADMIN
    )
    uninstall_plugin: bool = strawberry.mutation(
        resolver=resolvers.uninstall_plugin, directives=ADMIN
    )
    update_plugin: Plugin = strawberry.mutation(resolver=resolvers.update_plugin, directives=ADMIN)
    update_plugin_settings: strawberry.scalars.JSON = strawberry.mutation(
        resolver=resolvers.update_plugin_settings, directives=ADMIN
    )
    rollback_supergraph: SupergraphVersion = strawberry.mutation(
        resolver=resolvers.rollback_supergraph, directives=ADMIN
    )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[User])
