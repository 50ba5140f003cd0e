"""Delivery of every message that is not a direct reply: outbox sender, rate limits, quiet hours.

- ``queueing``: put a message for a member in the outbox (quiet hours, opt-outs, dedup);
- ``sender``: one ``OutboxSender`` per channel drains the outbox through a ``Transport``;
- ``limits``: the per-channel token bucket (and per-chat gap) a sender keeps to;
- ``transports``: the ``Transport`` protocol and its Telegram and Zalo adapters;
- ``service``: ``start_delivery`` wires senders and the scheduler into ``antq run``.
"""
