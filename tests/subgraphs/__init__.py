"""Tests of the subgraphs and their kit."""
