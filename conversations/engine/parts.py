"""What every part of the engine shares: the flows and catalogues it was built with, the
member's language, the contexts handed to fields and flows, and who may start a flow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from conversations.drafts import DraftLifetimes
from conversations.engine.turn import BUTTON_WORDING, DISCARD, Turn
from conversations.fields import FieldContext, InvalidAnswer
from conversations.flow import Flow, FlowContext, Redirect, Step
from conversations.i18n import N_, Catalogues
from conversations.localtime import local_today
from conversations.menu_layout import MenuEntry, MenuScreen, MenuSection
from conversations.policy import Role, may
from conversations.replies import Text


class EngineParts:
    """The engine's state and the helpers every part uses."""

    def __init__(
        self,
        flows: list[Flow],
        catalogues: Catalogues,
        *,
        menu: Sequence[MenuEntry],
        language_flow: str = "language",
        consent_flow: str = "consent",
        draft_ttl: timedelta = timedelta(hours=24),
    ) -> None:
        self.flows = {flow.name: flow for flow in flows}
        self.catalogues = catalogues
        self.menu = menu
        self._menu_section_ids = {entry.id for entry in menu if isinstance(entry, MenuSection)}
        # The menu's screens by (roles held, section): as few as the combinations of roles.
        self._menu_screens: dict[tuple[frozenset[Role], str | None], MenuScreen] = {}
        self.language_flow = language_flow
        self.consent_flow = consent_flow
        self.draft_lifetimes = DraftLifetimes.of_flows(draft_ttl, flows)
        self.flow_commands = {word: flow.name for flow in flows for word in flow.commands}

    def _t(self, turn: Turn, key: str, **params: object) -> str:
        return self.catalogues.text(turn.locale, key, **params)

    def _explain(self, turn: Turn, key: str, **params: object) -> str:
        """Why an answer was not taken, in the words of the member's channel."""
        if turn.message.buttons and key in BUTTON_WORDING:
            return self._t(turn, BUTTON_WORDING[key])
        return self._t(turn, key, **params)

    def _fields(self, turn: Turn) -> FieldContext:
        return FieldContext(
            self.catalogues,
            turn.locale,
            local_today(turn.now),
            turn.member.roles,
            turn.answers,
            member_id=turn.member.id,
        )

    def _flow_context(self, turn: Turn) -> FlowContext:
        return FlowContext(
            member=turn.member,
            locale=turn.locale,
            catalogues=self.catalogues,
            records=turn.records,
            now=turn.now,
            today=local_today(turn.now),
        )

    @staticmethod
    def _allowed(turn: Turn, flow: Flow) -> bool:
        return flow.action is None or may(turn.member.roles, flow.action)

    def _deny(self, turn: Turn) -> None:
        """The polite refusal, and nothing else: the question that was open, or the menu."""
        turn.say(Text(self._t(turn, N_("policy.denied"))))
        self._ask(turn)

    def _recogniser(self, text: str) -> Flow | None:
        """The flow that takes ``text`` as its first answer when typed at the menu."""
        stripped = text.strip()
        if not stripped:
            return None
        for flow in self.flows.values():
            if flow.recognise is not None and flow.recognise(stripped):
                return flow
        return None

    @staticmethod
    def _question_ref(turn: Turn) -> str | None:
        """The ref of the buttons of the question now open (a tap on others is stale)."""
        return DISCARD if turn.discarding else turn.step

    if TYPE_CHECKING:  # given by the other parts; named here so that each part reads alone

        def _ask(self, turn: Turn) -> None: ...
        def _ask_again(self, turn: Turn, problem: InvalidAnswer) -> None: ...
        def _show_menu(self, turn: Turn) -> None: ...
        def _pause(self, turn: Turn) -> None: ...
        def _resume_draft(self, turn: Turn) -> None: ...
        def _cancel(self, turn: Turn) -> None: ...
        def _cancel_asked(self, turn: Turn, flow: Flow) -> None: ...
        def _cancel_draft(self, turn: Turn) -> None: ...
        async def _start_flow(self, turn: Turn, flow: Flow, argument: str) -> None: ...
        async def _start_linked_flow(self, turn: Turn) -> bool: ...
        async def _answer_step(self, turn: Turn, flow: Flow, step: Step) -> None: ...
        async def _redirect(self, turn: Turn, flow: Flow, redirect: Redirect) -> None: ...
        async def _complete(self, turn: Turn, flow: Flow) -> None: ...
        def _summary_items(self, turn: Turn, flow: Flow) -> list[tuple[Step, int]]: ...
