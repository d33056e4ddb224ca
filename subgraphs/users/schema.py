"""The users subgraph's schema: Query and Mutation wired to their resolvers, with their roles."""

from __future__ import annotations

import strawberry

from subgraphs.kit.directives import authenticated, requires_role
from subgraphs.kit.schema import SubgraphSchema
from subgraphs.users import api_keys, auth, profiles
from subgraphs.users.types import ApiKey, AuthPayload, CreatedApiKey, User, UserConnection


@strawberry.type
class Query:
    me: User | None = strawberry.field(
        resolver=profiles.me, directives=authenticated(), description="The signed-in user."
    )
    user: User | None = strawberry.field(resolver=profiles.user, directives=authenticated())
    users: UserConnection = strawberry.field(
        resolver=profiles.users_page, directives=requires_role("editor")
    )
    api_keys: list[ApiKey] = strawberry.field(
        resolver=api_keys.list_api_keys, directives=requires_role("admin")
    )


@strawberry.type
class Mutation:
    register: AuthPayload = strawberry.mutation(resolver=auth.register)
    login: AuthPayload = strawberry.mutation(resolver=auth.login)
    refresh_token: AuthPayload = strawberry.mutation(resolver=auth.refresh_token)
    logout: bool = strawberry.mutation(resolver=auth.logout)
    update_profile: User = strawberry.mutation(
        resolver=profiles.update_profile, directives=authenticated()
    )
    change_password: bool = strawberry.mutation(
        resolver=profiles.change_password, directives=authenticated()
    )
    set_user_role: User = strawberry.mutation(
        resolver=profiles.set_user_role, directives=requires_role("admin")
    )
    deactivate_user: User = strawberry.mutation(
        resolver=profiles.deactivate_user, directives=requires_role("admin")
    )
    activate_user: User = strawberry.mutation(
        resolver=profiles.activate_user, directives=requires_role("admin")
    )
    create_api_key: CreatedApiKey = strawberry.mutation(
        resolver=api_keys.create_api_key, directives=requires_role("admin")
    )
    revoke_api_key: ApiKey = strawberry.mutation(
        resolver=api_keys.revoke_api_key, directives=requires_role("admin")
    )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[User])
