"""The kit every subgraph shares: app factory, principal from the internal token, authorization
directives, DB session per request, audit writer, errors, pagination."""
