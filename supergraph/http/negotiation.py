"""Accept-header negotiation between the GraphQL-over-HTTP media types (and HTML for GraphiQL)."""

from __future__ import annotations

from supergraph.http.errors import GRAPHQL_RESPONSE, JSON


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media: str) -> tuple[float, int]:
    """Quality of `media` and how specific the matching range was (2 exact, 1 type/*, 0 */*)."""
    kind = media.split("/", 1)[0]
    best: tuple[float, int] = (0.0, -1)
    for candidate, quality in ranges:
        if candidate == media:
            specificity = 2
        elif candidate == f"{kind}/*":
            specificity = 1
        elif candidate == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity)
    return best


def response_media_type(accept: str | None) -> str | None:
    """The media type to answer with; None when the client accepts neither (406).

    No Accept header, or only `*/*`, means `application/json` (the legacy type, which every
    client understands); `application/graphql-response+json` is used when asked for by name.
    """
    if not accept:
        return JSON
    ranges = _ranges(accept)
    new_q, new_spec = _quality(ranges, GRAPHQL_RESPONSE)
    old_q = _quality(ranges, JSON)[0]
    if new_q <= 0 and old_q <= 0:
        return None
    if new_spec == 2 and new_q >= old_q:
        return GRAPHQL_RESPONSE
    if old_q > 0:
        return JSON
    return GRAPHQL_RESPONSE


def prefers_html(accept: str | None) -> bool:
    """A browser navigating to the endpoint: text/html named, and ranked above JSON."""
    if not accept:
        return False
    ranges = _ranges(accept)
    html_q, html_spec = _quality(ranges, "text/html")
    if html_spec != 2 or html_q <= 0:
        return False
    json_q = max(_quality(ranges, JSON)[0], _quality(ranges, GRAPHQL_RESPONSE)[0])
    json_spec = max(_quality(ranges, JSON)[1], _quality(ranges, GRAPHQL_RESPONSE)[1])
    return html_q > json_q or (html_q == json_q and json_spec < 2)
