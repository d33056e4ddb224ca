"""Security primitives shared by every service."""
