"""What `bench/plugin_activation.py` is made of: servers, platform, plugin, rounds, figures."""
