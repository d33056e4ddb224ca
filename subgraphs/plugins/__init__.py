"""The plugins subgraph: plugin packages (signed archives) and the engine that installs them."""
