"""The Zalo Official Account channel: the bot on an OA that residents already follow.

Our own typed httpx client on the OA Open API (client.py), its OAuth tokens kept fresh in the
database (tokens.py), the signed webhook and the replies (channel.py, events.py, rendering.py)
and the outbox's way to the OA (transport.py). Facts: ../shared/ZALO_OA.md.
"""
