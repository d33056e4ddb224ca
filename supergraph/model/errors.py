"""Errors raised while reading a supergraph SDL."""

from __future__ import annotations

INVALID_SUPERGRAPH = "INVALID_SUPERGRAPH"


class SupergraphError(Exception):
    """The supergraph SDL cannot be used; `message` says what is wrong and where."""

    code = INVALID_SUPERGRAPH

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
