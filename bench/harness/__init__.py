"""What `bench/run.py` is made of: processes, gateways under test, the load driver, the report."""
