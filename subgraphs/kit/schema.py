"""`SubgraphSchema`: a Strawberry Federation 2 schema with the kit's extensions installed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from subgraphs.kit.directives import AuthorizationExtension
from subgraphs.kit.transaction import TransactionExtension

FEDERATION_VERSION: Final = "2.5"
"""The oldest Federation version with `@authenticated` and `@requiresScopes`."""


class SubgraphSchema(strawberry.federation.Schema):
    """Authorization enforced, one transaction per operation, errors logged once by the app."""

    def __init__(
        self,
        query: type,
        mutation: type | None = None,
        types: Iterable[type] = (),
        extensions: Iterable[Any] = (),
    ) -> None:
        super().__init__(
            query=query,
            mutation=mutation,
            types=list(types),
            extensions=[AuthorizationExtension, TransactionExtension, *extensions],
            federation_version=FEDERATION_VERSION,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # The app formats every error once (kit.errors.format_error) and logs the unexpected
        # ones there with their errorId; logging here too would duplicate them.
        return None
