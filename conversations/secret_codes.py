"""Secret codes typed in chat (an invitation, a tip's follow-up code) and the lockout that
makes guessing them useless: after a few wrong codes in a row a member waits before trying
again. Counted per member and per kind of code, stored (a restart does not reset it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from conversations.effects import Effect


class CodeKind(StrEnum):
    INVITATION = "invitation"
    TIP = "tip"
    LINK = "link"  # linking a second account (conversations.linking)


@dataclass(frozen=True)
class Lockout:
    """After ``max_wrong`` wrong codes in a row, each further try waits ``wait``."""

    max_wrong: int
    wait: timedelta


# An invitation code has 50 bits and lives a week; a tip's code has 40 bits, lives as long as
# the tip and is the only thing that lets somebody read its news, so it is guarded harder:
# five tries an hour give a guesser about one chance in ten million a day per account even
# with a hundred thousand tips stored. A tipster mistyping their own code five times waits an
# hour, and the message says so.
LOCKOUTS = {
    CodeKind.INVITATION: Lockout(20, timedelta(minutes=15)),
    CodeKind.TIP: Lockout(5, timedelta(hours=1)),
    # A link code has 40 bits and lives minutes: ten tries, then a quarter of an hour's wait.
    CodeKind.LINK: Lockout(10, timedelta(minutes=15)),
}


@dataclass(frozen=True)
class RecordCodeAttempts(Effect):
    """Remember the member's wrong codes of ``kind`` in a row and until when they must wait."""

    kind: CodeKind
    failures: int
    locked_until: datetime | None


@dataclass(frozen=True)
class CodeAttempts:
    """Wrong codes of one kind in a row, and until when the member must wait."""

    failures: int = 0
    locked_until: datetime | None = None

    def minutes_to_wait(self, now: datetime) -> int | None:
        """Whole minutes left before the member may try again; None when they may now."""
        if self.locked_until is None or now >= self.locked_until:
            return None
        return math.ceil((self.locked_until - now).total_seconds() / 60)

    def failed(self, kind: CodeKind, now: datetime) -> RecordCodeAttempts:
        lockout = LOCKOUTS[kind]
        failures = self.failures + 1
        locked_until = now + lockout.wait if failures >= lockout.max_wrong else None
        return RecordCodeAttempts(kind, failures, locked_until)

    def succeeded(self, kind: CodeKind) -> list[Effect]:
        """The effect that clears the count, if there is one to clear."""
        return [RecordCodeAttempts(kind, 0, None)] if self.failures else []
