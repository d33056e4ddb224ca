"""One transaction per operation: committed when it succeeds, rolled back on any error."""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from subgraphs.kit.context import SubgraphContext


class TransactionExtension(SchemaExtension):
    """Commits a mutation's session after execution when no field errored; else rolls back.

    Queries never write, so their session is only rolled back and closed.
    """

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context.context
        try:
            yield
        finally:
            if isinstance(context, SubgraphContext):
                # Reached only when execution did not finish (validation error, crash).
                await context.finish(commit=False)

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        context = self.execution_context.context
        if not isinstance(context, SubgraphContext):
            return
        result = self.execution_context.result
        failed = result is None or bool(getattr(result, "errors", None))
        is_mutation = self.execution_context.operation_type == OperationType.MUTATION
        await context.finish(commit=is_mutation and not failed)
