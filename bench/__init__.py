"""Benchmarks of the Althaus gateway: subgraph fixtures, load drivers and peer gateways."""
