"""Callback data of inline buttons: which question a button belonged to and which option it is.

Telegram limits ``callback_data`` to 64 bytes. Option ids and question refs are short ASCII
names, so the readable form ``1|<ref>|<option id>`` almost always fits and needs no memory: a
button keeps working across restarts and processes. Anything longer (or holding the separator)
is replaced by a digest remembered in this process; a digest that is no longer remembered is
read as a stale button, which the engine answers by asking the current question again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

MAX_CALLBACK_DATA_BYTES = 64
_SEPARATOR = "|"
_PLAIN = "1"
_DIGEST = "2"
_REMEMBERED_DIGESTS = 10_000


@dataclass(frozen=True)
class Tap:
    """A tapped button: the option's id and the ref of the question it was offered for."""

    ref: str
    option: str


# What a tap on an unreadable or forgotten button stands for: no current question has this ref,
# so the engine explains that the button is out of date and asks its question again.
STALE_TAP = Tap(ref="", option="")


class ButtonCodec:
    """Turns (question ref, option id) into ``callback_data`` and back."""

    def __init__(self, remembered: int = _REMEMBERED_DIGESTS) -> None:
        self._digests: OrderedDict[str, Tap] = OrderedDict()
        self._remembered = remembered

    def encode(self, ref: str, option: str) -> str:
        plain = _SEPARATOR.join((_PLAIN, ref, option))
        fits = len(plain.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        if fits and _SEPARATOR not in ref and _SEPARATOR not in option:
            return plain
        digest = hashlib.blake2b(f"{ref}\x1f{option}".encode(), digest_size=12).hexdigest()
        data = f"{_DIGEST}{_SEPARATOR}{digest}"
        self._digests[data] = Tap(ref, option)
        self._digests.move_to_end(data)
        while len(self._digests) > self._remembered:
            self._digests.popitem(last=False)
        return data

    def decode(self, data: str | None) -> Tap:
        """The tap ``data`` stands for; ``STALE_TAP`` when it cannot be read."""
        if not data:
            return STALE_TAP
        version, _, rest = data.partition(_SEPARATOR)
        if version == _PLAIN:
            ref, separator, option = rest.partition(_SEPARATOR)
            return Tap(ref, option) if separator else STALE_TAP
        if version == _DIGEST:
            return self._digests.get(data, STALE_TAP)
        return STALE_TAP
