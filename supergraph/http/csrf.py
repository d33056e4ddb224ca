"""CSRF prevention as Apollo Router does it: refuse what a browser sends cross-site unpreflighted.

A cross-site page can make a browser send GET, or POST with a "simple" content type, carrying the
victim's cookies and without a CORS preflight. Such a request is refused unless it carries a
header no simple request may carry; a JSON POST, or any custom header, forces a preflight that
CORS then decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from supergraph.http.errors import RequestError

SIMPLE_CONTENT_TYPES: Final = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
PREFLIGHT_HEADERS: Final = ("x-apollo-operation-name", "apollo-require-preflight", "x-csrf-token")
CODE: Final = "CSRF_PREVENTION"


def media_type(content_type: str | None) -> str | None:
    if content_type is None:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    return media or None


def needs_preflight(method: str, headers: Mapping[str, str]) -> bool:
    """True when a browser would have preflighted this request (so CORS already vetted it)."""
    if method not in ("GET", "POST", "HEAD"):
        return True
    media = media_type(headers.get("content-type"))
    if media is not None and media not in SIMPLE_CONTENT_TYPES:
        return True
    return any(headers.get(name) is not None for name in PREFLIGHT_HEADERS)


def check(method: str, headers: Mapping[str, str]) -> None:
    if not needs_preflight(method, headers):
        raise RequestError(
            400,
            CODE,
            "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
            "Send a 'Content-Type: application/json' body, or one of the headers "
            "'Apollo-Require-Preflight', 'X-Apollo-Operation-Name' or 'X-CSRF-Token' "
            "(any non-empty value).",
        )
