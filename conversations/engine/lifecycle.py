"""A flow's life: started (after consent where it needs it), paused as a draft, cancelled
(asking first when much would be lost), expired, completed and what follows it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from conversations.drafts import OfferedDraft, flow_of
from conversations.engine.parts import EngineParts
from conversations.engine.turn import DISCARD_OPTIONS, FEW_ANSWERS, Turn, member_after
from conversations.fields import InvalidAnswer, match_option
from conversations.flow import Completion, Flow, Refused
from conversations.i18n import N_
from conversations.people import SetLocale
from conversations.ports import SavedConversation
from conversations.privacy import has_consent
from conversations.privacy.consent import THEN, THEN_ARGUMENT
from conversations.replies import Text


class Lifecycle(EngineParts):
    """Entering and leaving flows."""

    def _saved_flow(self, saved: SavedConversation) -> Flow | None:
        return self.flows.get(flow_of(saved) or "")

    def _expired(self, saved: SavedConversation, now: datetime) -> bool:
        return self.draft_lifetimes.expired(saved, now)

    async def _expire(self, turn: Turn, saved: SavedConversation) -> None:
        flow = self._saved_flow(saved)
        turn.leave()
        turn.draft = None
        if flow is not None and flow.confirm:
            hours = int(self.draft_lifetimes.of(flow.name).total_seconds() // 3600)
            expired = self._t(
                turn, N_("draft.expired"), flow=self._t(turn, flow.title), hours=hours
            )
            turn.say(Text(expired))
        if turn.member.locale is None:
            await self._start_flow(turn, self.flows[self.language_flow], argument="")
        else:
            self._show_menu(turn)

    def _pause(self, turn: Turn) -> None:
        """Keep the current flow's answers aside while the member does something else."""
        if turn.flow is not None and turn.flow.confirm:
            turn.draft = {
                "flow": turn.flow.name,
                "step": turn.step,
                "answers": turn.answers,
                "editing": turn.editing,
                "item": turn.item,
                "given": turn.given,
            }
        turn.leave()

    async def _start_flow(self, turn: Turn, flow: Flow, argument: str) -> None:
        if not self._allowed(turn, flow):
            self._deny(turn)
            return
        if flow.needs_consent and not has_consent(turn.member.consent_version):
            await self._ask_consent(turn, flow, argument)
            return
        if turn.flow is not None:
            self._pause(turn)
        if flow.confirm and turn.draft is not None:
            if turn.draft.get("flow") == flow.name:
                self._resume_draft(turn)
                return
            turn.draft = None  # one draft at a time: starting another replaces it
        turn.enter(flow)
        if flow.begin is not None:
            redirect = await flow.begin(turn.answers, self._flow_context(turn))
            if redirect is not None:
                turn.given = [
                    name
                    for name in redirect.answers
                    if name in flow.by_name and name != redirect.step
                ]
                if flow.intro and not redirect.stop:
                    turn.say(Text(self._t(turn, flow.intro)))
                await self._redirect(turn, flow, redirect)
                return
        if argument:
            # "/status K7Q2M9XD" answers the first question at once: it is never asked, so
            # "Bước i/n" counts from the next one ("/hoi MÃ" starts at "Bước 1/2").
            turn.message = replace(
                turn.message, text=argument, option=None, option_ref=None, update_key=None
            )
            turn.given = [flow.first_step]
            await self._answer_step(turn, flow, flow.by_name[flow.first_step])
            return
        if flow.intro:
            turn.say(Text(self._t(turn, flow.intro)))
        self._ask(turn)

    async def _ask_consent(self, turn: Turn, then: Flow, argument: str) -> None:
        """The privacy notice first; once agreed, ``then`` starts with ``argument``."""
        consent = self.flows[self.consent_flow]
        if turn.flow is not None:
            self._pause(turn)
        turn.enter(consent)
        turn.answers = {THEN: then.name, THEN_ARGUMENT: argument}
        self._ask(turn)

    def _cancel(self, turn: Turn) -> None:
        if turn.flow is not None and turn.flow.on_cancel is not None:
            turn.effects.extend(turn.flow.on_cancel(turn.answers))
        turn.leave()
        turn.say(Text(self._t(turn, N_("flow.cancelled"))))
        self._show_menu(turn)

    def _cancel_asked(self, turn: Turn, flow: Flow) -> None:
        """/cancel: at once for a few answers; a longer draft is discarded only when the
        member says so (a month's figures are not lost to one mistyped command)."""
        answered = sum(1 for step in flow.steps if step.name in turn.answers)
        if flow.confirm and answered > FEW_ANSWERS:
            turn.discarding = True
            self._ask(turn)
        else:
            self._cancel(turn)

    def _cancel_draft(self, turn: Turn) -> None:
        """/cancel at the menu: the draft put aside is taken up again to ask about it."""
        draft = turn.draft or {}
        flow = self.flows.get(draft.get("flow", ""))
        if flow is None or not self._allowed(turn, flow):
            turn.draft = None
            turn.say(Text(self._t(turn, N_("flow.cancelled"))))
            self._show_menu(turn)
            return
        turn.flow, turn.step = flow, draft["step"]
        turn.answers = dict(draft.get("answers", {}))
        turn.editing, turn.item = bool(draft.get("editing")), draft.get("item")
        turn.draft = None
        self._cancel_asked(turn, flow)

    def _discard_answer(self, turn: Turn) -> None:
        try:
            choice = match_option(turn.message, DISCARD_OPTIONS, self._fields(turn))
        except InvalidAnswer as problem:
            turn.say(Text(self._t(turn, problem.key, **problem.params)))
            self._ask(turn)
            return
        if choice == "discard":
            self._cancel(turn)
            return
        turn.discarding = False
        turn.say(Text(self._t(turn, N_("draft.resumed"))))
        self._ask(turn)

    def _adopt_draft(self, turn: Turn, offered: OfferedDraft) -> None:
        """A draft of a newly linked account: kept when the member has none; else one draft
        at a time, the more recent, and the member is told which."""
        flow = self.flows.get(offered.draft.get("flow", ""))
        if flow is None or not flow.confirm or offered.draft.get("step") is None:
            return
        if turn.draft is not None and not offered.newer:
            kept = self.flows.get(turn.draft.get("flow", ""))
        else:
            turn.draft, kept = offered.draft, flow
        if kept is not None:
            said = N_("draft.kept_after_link")
            turn.say(Text(self._t(turn, said, flow=self._t(turn, kept.title))))

    async def _complete(self, turn: Turn, flow: Flow) -> None:
        answers = flow.prune(turn.answers)
        try:
            completion = await flow.complete(answers, self._flow_context(turn))
        except Refused as refusal:
            completion = Completion(replies=[Text(refusal.text)])
        if completion.redirect is not None:
            turn.effects.extend(completion.effects)
            turn.replies.extend(completion.replies)
            await self._redirect(turn, flow, completion.redirect)
            return
        turn.replies.extend(completion.replies)
        turn.effects.extend(completion.effects)
        for effect in completion.effects:
            if isinstance(effect, SetLocale):
                turn.locale = effect.locale
            turn.member = member_after(turn.member, effect)
        turn.leave()
        if completion.offered_draft is not None:
            self._adopt_draft(turn, completion.offered_draft)
        if completion.next_flow is not None and completion.next_flow.name in self.flows:
            following = self.flows[completion.next_flow.name]
            await self._start_flow(turn, following, completion.next_flow.argument)
        elif turn.member.locale is None and flow.name != self.language_flow:
            await self._start_flow(turn, self.flows[self.language_flow], argument="")
        else:
            self._show_menu(turn)
