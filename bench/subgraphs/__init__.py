"""The four subgraphs of the public federation benchmark: accounts, inventory, products, reviews."""
