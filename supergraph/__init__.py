"""supergraph package."""
