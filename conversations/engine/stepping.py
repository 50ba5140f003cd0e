"""Inside a flow: a message is a command (/back, /help, /cancel ...), an answer to the step
asked, or a stale tap; an answer taken moves the flow on, or a hook redirects it."""

from __future__ import annotations

from conversations.choosing import numbered_tap
from conversations.commands import Command, parse_command
from conversations.engine.parts import EngineParts
from conversations.engine.turn import Turn
from conversations.fields import InvalidAnswer
from conversations.flow import EDIT, FINISHED, SUMMARY, Flow, Redirect, Step
from conversations.i18n import N_
from conversations.replies import Text


class Stepping(EngineParts):
    """Answering the steps of a flow."""

    async def _in_flow(self, turn: Turn, flow: Flow) -> None:
        message = turn.message
        if not self._allowed(turn, flow):
            # The role that allowed this flow was revoked while it was under way.
            turn.leave()
            self._deny(turn)
            return
        if message.option is not None and message.option_ref != self._question_ref(turn):
            turn.stale_tap = True
            turn.say(Text(self._t(turn, N_("input.stale_button"))))
            self._ask(turn)
            return
        command = parse_command(message.text, self.flow_commands)
        if command is not None:
            await self._flow_command(turn, flow, command)
        elif turn.discarding:
            self._discard_answer(turn)
        elif turn.step == SUMMARY:
            await self._summary_answer(turn, flow)
        elif turn.step == EDIT and turn.item is not None:
            self._edit_item_answer(turn, flow, turn.item)
        elif turn.step == EDIT:
            self._edit_answer(turn, flow)
        else:
            await self._answer_step(turn, flow, flow.by_name[turn.step or flow.first_step])

    async def _flow_command(self, turn: Turn, flow: Flow, command: Command) -> None:
        if command.name != "cancel":
            turn.discarding = False  # another command answers "discard the draft?" with no
        if not command.known:
            turn.say(Text(self._t(turn, N_("input.unknown_command"), command=command.name)))
            self._ask(turn)
        elif command.name == "cancel" and turn.discarding:
            self._cancel(turn)  # /cancel again: yes, discard it
        elif command.name == "cancel":
            self._cancel_asked(turn, flow)
        elif command.name == "back":
            self._back(turn, flow)
        elif command.name == "help":
            step = flow.by_name.get(turn.step or "")
            if step is not None and step.help:
                turn.say(Text(self._t(turn, step.help, **step.text_params)))
            else:
                turn.say(Text(self._t(turn, N_("help.step"))))
            self._ask(turn)
        elif command.name == "start" and self._recogniser(command.argument) is not None:
            await self._start_linked_flow(turn)
        elif command.name in ("menu", "start"):
            self._pause(turn)
            if turn.draft is not None:
                turn.say(Text(self._t(turn, N_("draft.kept"))))
            self._show_menu(turn)
        elif command.name in self.flows:
            await self._start_flow(turn, self.flows[command.name], command.argument)

    def _back(self, turn: Turn, flow: Flow) -> None:
        if turn.item is not None:  # from changing one item: back to the list of items
            turn.item = None
            self._ask(turn)
            return
        before = turn.step or flow.first_step
        after = flow.move(before, turn.answers, turn.editing, "back")
        if after == before:
            turn.say(Text(self._t(turn, N_("flow.first_step"))))
        if after == SUMMARY:
            turn.editing = False
        turn.step = after
        self._ask(turn)

    async def _answer_step(self, turn: Turn, flow: Flow, step: Step) -> None:
        fields = self._fields(turn)
        current = turn.answers.get(step.name)
        # The number of a listed option picks it, whatever else the step reads in text.
        shown = step.field.question("", step.name, fields, current)
        message = numbered_tap(turn.message, shown)
        try:
            accepted = step.field.parse(message, fields, current)
            accepted = await step.field.resolve(accepted, fields, turn.records)
        except InvalidAnswer as problem:
            self._ask_again(turn, problem)
            return
        turn.answers[step.name] = accepted.value
        ack = self._t(turn, accepted.ack, **(accepted.ack_params or {})) if accepted.ack else None
        if not accepted.complete:
            turn.say(step.field.question(ack or "", step.name, fields, accepted.value))
            return
        if ack:
            turn.say(Text(ack))
        if step.after is not None:
            redirect = await step.after(turn.answers, self._flow_context(turn))
            if redirect is not None:
                await self._redirect(turn, flow, redirect)
                return
        await self._advance(turn, flow)

    async def _redirect(self, turn: Turn, flow: Flow, redirect: Redirect) -> None:
        """Go where a hook or a completion sends the flow (see ``Redirect``)."""
        turn.replies.extend(redirect.replies)
        if redirect.stop:
            turn.leave()
            self._show_menu(turn)
            return
        turn.answers.update(redirect.answers)
        turn.editing, turn.item = False, None
        await self._go_to(turn, flow, redirect.step or flow.first_unanswered(turn.answers))

    async def _advance(self, turn: Turn, flow: Flow) -> None:
        after = flow.move(turn.step or flow.first_step, turn.answers, turn.editing, "advance")
        await self._go_to(turn, flow, after)

    async def _go_to(self, turn: Turn, flow: Flow, target: str) -> None:
        """Ask ``target``'s question; at the summary or the end, the answers the flow no longer
        asks are dropped first (a phone consent once the tip went anonymous must not come
        back when the member edits from the summary)."""
        if target in (SUMMARY, FINISHED):
            turn.editing = False
            turn.answers = flow.prune(turn.answers)
        if target == FINISHED:
            await self._complete(turn, flow)
            return
        turn.step = target
        self._ask(turn)
