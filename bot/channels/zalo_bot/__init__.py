"""The Zalo Bot Platform: our own small httpx client (client.py) and the channel (channel.py)."""
