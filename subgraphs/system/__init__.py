"""The system subgraph: platform settings and the audit log."""
