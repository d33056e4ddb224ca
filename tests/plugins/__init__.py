"""Tests of the plugin SDK."""
