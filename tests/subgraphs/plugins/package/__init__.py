"""Tests of plugin packages: manifest, archive, pack, verify, trust."""
