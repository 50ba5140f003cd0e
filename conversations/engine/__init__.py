"""Runs one inbound message through the member's conversation.

The engine is pure: it gets the member, their saved conversation, the message, read access to
records and the time; it returns replies, effects and the new conversation state. ``bot``
stores the effects and the state in one transaction and sends the replies.

The parts, each read alone: ``turn`` (what one message works on), ``parts`` (what they share),
``home`` (the menu), ``lifecycle`` (starting, pausing, cancelling, completing a flow),
``stepping`` (answers and commands inside a flow), ``asking`` (questions and the summary).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from conversations.commands import tapped_command
from conversations.engine.asking import Asking, split_line_number, without_item_number
from conversations.engine.home import Home
from conversations.engine.lifecycle import Lifecycle
from conversations.engine.stepping import Stepping
from conversations.engine.turn import (
    DISCARD,
    FEW_ANSWERS,
    ConversationState,
    Outcome,
    Turn,
    member_after,
    supported_locale,
)
from conversations.i18n import DEFAULT_LOCALE, N_
from conversations.menu_layout import MENU
from conversations.ports import Member, Records, SavedConversation
from conversations.replies import Inbound, Text

__all__ = [
    "DISCARD",
    "FEW_ANSWERS",
    "MENU",
    "ConversationState",
    "Engine",
    "Outcome",
    "member_after",
    "split_line_number",
    "supported_locale",
    "without_item_number",
]


class Engine(Home, Stepping, Asking, Lifecycle):
    """Drives every flow. Built once per process; holds no per-user state."""

    async def handle(
        self,
        member: Member,
        saved: SavedConversation | None,
        message: Inbound,
        records: Records,
        now: datetime,
    ) -> Outcome:
        """Answer ``message``; never raises for anything a user can send."""
        message = tapped_command(message)
        turn = self._restore(member, saved, message, records, now)
        if saved is not None and self._expired(saved, now):
            await self._expire(turn, saved)
        elif member.locale is None and turn.flow is None:
            app_locale = supported_locale(message.language)
            if app_locale is not None:
                # The app's language is one we speak: answer in it, and say how to change it.
                self._adopt_locale(turn, app_locale)
                await self._at_home(turn)
            # A deep link's code is honoured at once; the language is asked right after.
            elif not await self._start_linked_flow(turn):
                # A code sent as the first message answers the language question itself.
                typed = message.text or ""
                argument = typed if self._recogniser(typed) is not None else ""
                await self._start_flow(turn, self.flows[self.language_flow], argument)
        elif turn.flow is not None:
            await self._in_flow(turn, turn.flow)
        else:
            await self._at_home(turn)
        return self._outcome(turn)

    async def open(
        self,
        member: Member,
        saved: SavedConversation | None,
        message: Inbound,
        records: Records,
        now: datetime,
    ) -> Outcome:
        """What a chat window shows when it opens: the pending question of an unfinished
        flow (after a restart, say), or else the same as /start."""
        turn = self._restore(member, saved, message, records, now)
        if saved is not None and turn.flow is not None and not self._expired(saved, now):
            if turn.flow.confirm:
                turn.say(Text(self._t(turn, N_("draft.resumed"))))
            self._ask(turn)
            return self._outcome(turn)
        start = replace(message, text="/start", option=None, option_ref=None)
        return await self.handle(member, saved, start, records, now)

    def _restore(
        self,
        member: Member,
        saved: SavedConversation | None,
        message: Inbound,
        records: Records,
        now: datetime,
    ) -> Turn:
        data = saved.data if saved else {}
        flow = self.flows.get(saved.flow) if saved and saved.flow else None
        step = saved.step if flow is not None and saved else None
        if flow is not None and step not in flow.machine.states:
            flow, step = None, None  # a flow renamed by an upgrade: start over politely
        return Turn(
            member=member,
            message=message,
            records=records,
            now=now,
            locale=member.locale or DEFAULT_LOCALE,
            flow=flow,
            step=step,
            answers=dict(data.get("answers", {})) if flow else {},
            editing=bool(data.get("editing")) if flow else False,
            draft=data.get("draft"),
            item=data.get("item") if flow else None,
            discarding=bool(data.get("discarding")) if flow else False,
            given=list(data.get("given", [])) if flow else [],
            section=None if flow else data.get("menu"),
        )

    @staticmethod
    def _outcome(turn: Turn) -> Outcome:
        state = Engine._state(turn)
        return Outcome(turn.replies, turn.effects, state, turn.locale, turn.stale_tap)

    @staticmethod
    def _state(turn: Turn) -> ConversationState:
        data: dict[str, Any] = {}
        if turn.flow is not None:
            data["answers"] = turn.answers
            if turn.editing:
                data["editing"] = True
            if turn.item is not None:
                data["item"] = turn.item
            if turn.discarding:
                data["discarding"] = True
            if turn.given:
                data["given"] = turn.given
        elif turn.section is not None:
            data["menu"] = turn.section
        if turn.draft is not None:
            data["draft"] = turn.draft
        return ConversationState(turn.flow.name if turn.flow else None, turn.step, data)
