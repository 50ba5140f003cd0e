"""Admin broadcasts (campaign messages): its domain, effects and reads.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from typing import Protocol


class BroadcastReads(Protocol):
    """Reads about broadcasts and their audiences."""
