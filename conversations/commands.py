"""The universal commands, typed as /commands or as plain words (with or without diacritics)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from conversations.parsing import fold
from conversations.replies import Inbound

UNIVERSAL = {
    "cancel": ("cancel", "huy"),
    "back": ("back", "quaylai"),
    "help": ("help", "trogiup"),
    "menu": ("menu",),
    "start": ("start", "batdau"),
}
# Whole messages that mean a command without the slash: "huỷ", "quay lại", "trợ giúp".
BARE_WORDS = {
    "huy": "cancel",
    "cancel": "cancel",
    "quay lai": "back",
    "back": "back",
    "tro giup": "help",
    "help": "help",
    "menu": "menu",
}


@dataclass(frozen=True)
class Command:
    """A command: its canonical name (or the unknown word typed) and what followed it."""

    name: str
    argument: str
    known: bool


def parse_command(text: str | None, flow_commands: dict[str, str]) -> Command | None:
    """Read ``text`` as a command, or None when it is an ordinary answer.

    ``flow_commands`` maps extra command words (``status``, ``tracuu``) to flow names.
    """
    if not text:
        return None
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1 and stripped[1].isalpha():
        head, _, argument = stripped[1:].partition(" ")
        word = fold(head.split("@", 1)[0])
        for name, words in UNIVERSAL.items():
            if word in words:
                return Command(name, argument.strip(), known=True)
        if word in flow_commands:
            return Command(flow_commands[word], argument.strip(), known=True)
        return Command(head, "", known=False)
    bare = BARE_WORDS.get(fold(stripped))
    return Command(bare, "", known=True) if bare else None


# The ref of a button that stands for a command: a message the bot sent first, outside any
# conversation, carries buttons whose option is a command ("Trả lời" under an officer's
# question is "/traloi MÃ"). A tap on one is read as that command typed, in any conversation.
COMMAND_TAP = "cmd"


def tapped_command(message: Inbound) -> Inbound:
    """``message`` with a tap on a command button turned into the command it stands for."""
    if message.option_ref != COMMAND_TAP or not (message.option or "").startswith("/"):
        return message
    return replace(message, text=message.option, option=None, option_ref=None)
