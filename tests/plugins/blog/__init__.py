"""Tests of the shipped blog plugin."""
