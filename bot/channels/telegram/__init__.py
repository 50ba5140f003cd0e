"""Telegram transport (python-telegram-bot 22): receiving, rendering, sending.

``channel`` wires the pieces: ``updates`` reads updates, ``routing`` decides what to do with
them, ``rendering`` and ``buttons`` shape replies, ``replying`` sends them, ``retries`` retries
failed requests, ``webhook`` receives pushed updates, ``commands`` sets the command menu.
"""

from bot.channels.telegram.channel import TelegramChannel

__all__ = ["TelegramChannel"]
