"""Asking: the question of the step, "Bước i/n", the summary with Confirm / Edit, and
changing one answer (or one line of the summary, by its number) before confirming."""

from __future__ import annotations

from dataclasses import replace

from conversations.engine.parts import EngineParts
from conversations.engine.turn import DISCARD, DISCARD_OPTIONS, SUMMARY_OPTIONS, Turn
from conversations.fields import ChoiceOption, FieldContext, InvalidAnswer, match_option
from conversations.flow import EDIT, SUMMARY, Flow, Step
from conversations.i18n import N_
from conversations.parsing import ParseError, parse_integer
from conversations.replies import Choices, Option, Reply, Text


class Asking(EngineParts):
    """Questions, the summary and its edits."""

    def _ask(self, turn: Turn) -> None:
        """Ask the question of the current step (or show the summary)."""
        if turn.flow is None:
            self._show_menu(turn)
            return
        turn.say(self._question(turn, turn.flow))

    def _ask_again(self, turn: Turn, problem: InvalidAnswer) -> None:
        """Explain a wrong answer and ask again. Where the buttons of a question answered by
        typing stay under it (Telegram), the explanation points to them and the question is
        not sent a second time: a list of 14 options is not repeated after every slip."""
        turn.say(Text(self._explain(turn, problem.key, **problem.params)))
        if turn.flow is None:
            self._show_menu(turn)
            return
        question = self._question(turn, turn.flow)
        typed = turn.message.option is None
        if turn.message.buttons and typed and isinstance(question, Choices) and question.options:
            return
        turn.say(question)

    def _question(self, turn: Turn, flow: Flow) -> Reply:
        """The question of the current step, the summary or the choice of what to edit."""
        fields = self._fields(turn)
        if turn.discarding:
            offered = tuple(
                Option(option.id, self._t(turn, option.label)) for option in DISCARD_OPTIONS
            )
            question = self._t(turn, N_("draft.discard_question"), flow=self._t(turn, flow.title))
            return Choices(question, offered, DISCARD)
        if turn.step == SUMMARY:
            return self._summary(turn, flow, fields)
        if turn.step == EDIT and turn.item is not None:
            return Text(self._item_question(turn, flow, turn.item))
        if turn.step == EDIT and flow.edit_by_number:
            count = len(self._summary_items(turn, flow))
            return Text(self._t(turn, N_("summary.which_item"), count=count))
        if turn.step == EDIT:
            offered = tuple(
                Option(step.name, self._t(turn, step.title))
                for step in flow.applicable(turn.answers)
            )
            return Choices(self._t(turn, N_("summary.which_field")), offered, EDIT)
        step = flow.by_name[turn.step or flow.first_step]
        prompt = step.field.prompt(
            step.prompt, fields, turn.answers.get(step.name), **step.text_params
        )
        counted = flow.progress(step.name, turn.answers, turn.given)
        if counted is not None:
            position, total = counted
            progress = self._t(turn, N_("flow.progress"), position=position, total=total)
            prompt = f"{progress}\n{prompt}"
        return step.field.question(prompt, step.name, fields, turn.answers.get(step.name))

    def _item_question(self, turn: Turn, flow: Flow, number: int) -> str:
        items = self._summary_items(turn, flow)
        step, index = items[min(number, len(items)) - 1]
        fields = self._fields(turn)
        label, shown = step.field.summary_items(turn.answers[step.name], fields)[index]
        return self._t(
            turn,
            N_("summary.ask_item"),
            number=number,
            label=self._t(turn, label or step.title),
            current=shown,
        )

    def _summary(self, turn: Turn, flow: Flow, fields: FieldContext) -> Reply:
        lines = [self._t(turn, N_("summary.title"), flow=self._t(turn, flow.title))]
        if flow.heading is not None:
            lines.append(flow.heading(turn.answers, fields))
        number = 0
        for step in flow.applicable(turn.answers):
            if step.name not in turn.answers:
                continue
            for label, shown in step.field.summary_items(turn.answers[step.name], fields):
                number += 1
                lines.append(f"{number}. {self._t(turn, label or step.title)}: {shown}")
        lines.append(self._t(turn, N_("summary.question")))
        offered = tuple(
            Option(option.id, self._t(turn, option.label)) for option in SUMMARY_OPTIONS
        )
        return Choices("\n".join(lines), offered, SUMMARY)

    async def _summary_answer(self, turn: Turn, flow: Flow) -> None:
        try:
            choice = match_option(turn.message, SUMMARY_OPTIONS, self._fields(turn))
        except InvalidAnswer as problem:
            self._ask_again(turn, problem)
            return
        if choice == "confirm":
            await self._complete(turn, flow)
        elif choice == "edit":
            turn.step = EDIT
            self._ask(turn)
        else:
            self._cancel_asked(turn, flow)

    def _edit_answer(self, turn: Turn, flow: Flow) -> None:
        if flow.edit_by_number:
            self._edit_by_number(turn, flow)
            return
        steps = flow.applicable(turn.answers)
        options = tuple(ChoiceOption(step.name, step.title) for step in steps)
        try:
            choice = match_option(turn.message, options, self._fields(turn))
        except InvalidAnswer as problem:
            self._ask_again(turn, problem)
            return
        turn.step = flow.move(EDIT, turn.answers, True, f"edit_{choice}")
        turn.editing = True
        self._ask(turn)

    def _summary_items(self, turn: Turn, flow: Flow) -> list[tuple[Step, int]]:
        """Every summary line as (step, item index), numbered from 1 in this order."""
        fields = self._fields(turn)
        items: list[tuple[Step, int]] = []
        for step in flow.applicable(turn.answers):
            if step.name in turn.answers:
                count = len(step.field.summary_items(turn.answers[step.name], fields))
                items.extend((step, index) for index in range(count))
        return items

    def _edit_by_number(self, turn: Turn, flow: Flow) -> None:
        """ "5" asks item 5 alone; "5 12" changes it at once; then the summary again."""
        items = self._summary_items(turn, flow)
        number_text, rest = split_line_number(turn.message.text)
        try:
            number = parse_integer(number_text, minimum=1, maximum=len(items))
        except ParseError:
            turn.say(Text(self._t(turn, N_("summary.bad_item"), count=len(items))))
            self._ask(turn)
            return
        step, _ = items[number - 1]
        if not step.field.several_items and not rest:
            # A question of its own (a text, an amount): ask it again, then the summary.
            turn.step = flow.move(EDIT, turn.answers, True, f"edit_{step.name}")
            turn.editing = True
            self._ask(turn)
            return
        turn.item = number
        if rest:
            self._edit_item_answer(turn, flow, number, text=rest)
        else:
            self._ask(turn)

    def _edit_item_answer(
        self, turn: Turn, flow: Flow, number: int, *, text: str | None = None
    ) -> None:
        items = self._summary_items(turn, flow)
        if not 1 <= number <= len(items):
            turn.item = None
            self._ask(turn)
            return
        step, index = items[number - 1]
        if text is None:
            text = without_item_number(turn.message.text, number)
        message = turn.message if text is None else replace(turn.message, text=text)
        try:
            value = step.field.edit_item(
                turn.answers[step.name], index, message, self._fields(turn)
            )
        except InvalidAnswer as problem:
            turn.item = number
            self._ask_again(turn, problem)
            return
        turn.answers[step.name] = value
        turn.item = None
        turn.step = SUMMARY
        self._ask(turn)


def split_line_number(text: str | None) -> tuple[str, str]:
    """ "5 380" → ("5", "380"); "5. = 380" → ("5", "380"); "380" → ("380", "")."""
    first, _, rest = (text or "").strip().partition(" ")
    return first.rstrip(".:=)"), rest.strip().lstrip("=:").strip()


def without_item_number(text: str | None, number: int) -> str | None:
    """The new value of line ``number`` when its number is typed again before the value
    ("5 380" when line 5 alone was asked, as in the "Sửa" step); else None."""
    first, rest = split_line_number(text)
    return rest if first == str(number) and rest else None
