"""The users subgraph: accounts, sign-in, access and refresh tokens, API keys."""
