"""Delivery of every message that is not a direct reply: outbox sender, rate limits, quiet hours.

- ``queueing``: put a message for a member in the outbox (quiet hours, opt-outs, dedup);
- ``sender``: one ``OutboxSender`` per channel drains the outbox through a ``Transport``;
- ``limits``: the per-channel token bucket (and per-chat gap) a sender keeps to;
- ``shared_limits``: on PostgreSQL, the same limits as one budget in the database for every
  process of the bot;
- ``transports``: the ``Transport`` protocol (each channel package has its adapter);
- ``errors``: what a transport may raise;
- ``service``: ``start_delivery`` runs the senders and the scheduler in ``antq run``.

Delivery imports no channel and not ``bot.app``: the wiring (``bot.app``) gives it the
channels' transports and gives the channels the limiters they share with the outbox.
"""
