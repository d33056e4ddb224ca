"""Tests of the security primitives."""
