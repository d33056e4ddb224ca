"""Query planning: turn a client operation into a plan of subgraph fetches."""
