"""Running query plans against subgraphs and shaping the response."""
