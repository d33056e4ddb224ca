"""Tests of the shipped contact plugin."""
