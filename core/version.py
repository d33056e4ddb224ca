"""The platform's version, which plugin manifests' `platform` ranges are checked against."""

from __future__ import annotations

PLATFORM_VERSION = "0.1.0"
