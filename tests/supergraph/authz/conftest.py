from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.http.stack import EdgeStack, edge_stack


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[EdgeStack]:
    async with edge_stack() as built:
        yield built


@pytest.fixture
async def edge(stack: EdgeStack) -> EdgeStack:
    stack.clear()
    return stack
