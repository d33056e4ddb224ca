"""A small subgraph built with the kit, to test the kit apart from users and system."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.kit import audit
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.directives import authenticated, requires_role
from subgraphs.kit.errors import AlthausError
from subgraphs.kit.schema import SubgraphSchema


class SampleError(AlthausError):
    code = "SAMPLE_REFUSED"


@strawberry.type(directives=requires_role("admin"))
class Secret:
    value: str


@strawberry.type
class Query:
    @strawberry.field
    def open(self) -> str:
        return "open"

    @strawberry.field(directives=authenticated())
    def signed_in(self, info: Info[SubgraphContext, None]) -> str:
        return info.context.principal.sub or ""

    @strawberry.field(directives=requires_role("editor"))
    def for_editors(self) -> str:
        return "editors"

    @strawberry.field
    def secret(self) -> Secret:
        return Secret(value="s3cret")

    @strawberry.field
    def crash(self) -> str:
        raise RuntimeError("database exploded at /srv/secret/path")

    @strawberry.field
    def refuse(self) -> str:
        raise SampleError("refused for a reason", hint="try again")


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def write(self, info: Info[SubgraphContext, None], fail: bool = False) -> bool:
        async with info.context.db() as session:
            await audit.record(
                session, "sample.write", "sample", None, {"password": "hunter2", "ok": 1}
            )
        if fail:
            raise SampleError("failed after writing")
        return True


schema = SubgraphSchema(query=Query, mutation=Mutation)
