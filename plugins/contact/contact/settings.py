"""The plugin's settings, with the manifest's defaults applied here for every absent key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The defaults of plugin.yaml's `settings` (tests check the two agree): the platform may pass
# only the keys an admin set, so the plugin never relies on it having merged these in.
DEFAULTS: Mapping[str, Any] = {
    "notification_address": None,
    "rate_limit_per_hour": 5,
    "success_message": "Thank you for your message. We will get back to you soon.",
}
MIN_RATE_LIMIT = 1
MAX_RATE_LIMIT = 1000


@dataclass(frozen=True)
class ContactSettings:
    notification_address: str | None
    rate_limit_per_hour: int
    success_message: str

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> ContactSettings:
        """Each setting as given, or its default when absent, null or of the wrong type (the
        platform checks settings against the manifest's schema; this only keeps a bad value
        from turning the form off)."""
        address = settings.get("notification_address")
        limit = settings.get("rate_limit_per_hour")
        message = settings.get("success_message")
        if not isinstance(limit, int) or isinstance(limit, bool):
            limit = DEFAULTS["rate_limit_per_hour"]
        return cls(
            notification_address=address if isinstance(address, str) and address else None,
            rate_limit_per_hour=min(max(limit, MIN_RATE_LIMIT), MAX_RATE_LIMIT),
            success_message=(
                message
                if isinstance(message, str) and message.strip()
                else DEFAULTS["success_message"]
            ),
        )
