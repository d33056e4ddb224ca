"""Authentication at the edge: access tokens (JWKS), API keys and session cookies to a principal."""
