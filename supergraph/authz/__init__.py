"""Authorization at the edge: which fields of an operation a principal may not read."""
