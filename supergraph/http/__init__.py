"""The gateway's HTTP edge: GraphQL over HTTP, health, CSRF, CORS, sessions and GraphiQL."""
