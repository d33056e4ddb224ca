"""The plugin applies its manifest's defaults itself, whatever the platform passes."""

from __future__ import annotations

from plugins.contact.contact.settings import DEFAULTS, ContactSettings
from subgraphs.plugins.package import load_manifest

from .conftest import PLUGIN_DIR


def test_code_defaults_are_the_manifest_defaults() -> None:
    assert dict(DEFAULTS) == load_manifest(PLUGIN_DIR / "plugin.yaml").settings_defaults()


def test_absent_settings_take_their_defaults() -> None:
    settings = ContactSettings.from_mapping({})
    assert settings.notification_address is None
    assert settings.rate_limit_per_hour == 5
    assert settings.success_message == DEFAULTS["success_message"]


def test_given_settings_are_used_as_they_are() -> None:
    settings = ContactSettings.from_mapping(
        {"notification_address": "a@b.example", "rate_limit_per_hour": 40, "success_message": "Hi"}
    )
    assert (settings.notification_address, settings.rate_limit_per_hour) == ("a@b.example", 40)
    assert settings.success_message == "Hi"


def test_malformed_settings_fall_back_to_defaults_or_bounds() -> None:
    for value in ("10", None, True, 2.5):
        assert ContactSettings.from_mapping({"rate_limit_per_hour": value}).rate_limit_per_hour == 5
    assert ContactSettings.from_mapping({"rate_limit_per_hour": 0}).rate_limit_per_hour == 1
    assert ContactSettings.from_mapping({"rate_limit_per_hour": 10**6}).rate_limit_per_hour == 1000
    blank = ContactSettings.from_mapping({"success_message": "  ", "notification_address": ""})
    assert blank.success_message == DEFAULTS["success_message"]
    assert blank.notification_address is None
