"""Plan optimizations, one per module, applied to fetch groups before they become plan nodes."""
