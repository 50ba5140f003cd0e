"""Self-managed security models (mô hình tự quản): its domain, effects and reads.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from typing import Protocol


class SecurityModelReads(Protocol):
    """Reads about security models and their activities."""
