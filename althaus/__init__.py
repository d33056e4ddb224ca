"""The althaus CLI and the wiring of the whole platform."""

__version__ = "0.1.0"
