"""Runs one inbound message through the member's conversation.

The engine is pure: it gets the member, their saved conversation, the message, read access to
records and the time; it returns replies, effects and the new conversation state. ``bot``
stores the effects and the state in one transaction and sends the replies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from conversations.choosing import numbered_tap, typed_number
from conversations.commands import Command, parse_command, tapped_command
from conversations.drafts import DraftLifetimes, flow_of
from conversations.effects import Effect
from conversations.fields import ChoiceOption, FieldContext, InvalidAnswer, match_option
from conversations.flow import EDIT, FINISHED, SUMMARY, Flow, FlowContext, Redirect, Step
from conversations.i18n import DEFAULT_LOCALE, N_, SUPPORTED_LOCALES, Catalogues
from conversations.localtime import local_today
from conversations.menu_layout import (
    HELP_ITEM,
    MAIN_ITEM,
    MENU,
    RESUME_ITEM,
    SECTION_PREFIX,
    MenuEntry,
    MenuScreen,
    flat_items,
    menu_screen,
    section_of,
)
from conversations.parsing import ParseError, parse_integer
from conversations.people import AcceptInvitation, GiveUpRole, SetLocale
from conversations.policy import may
from conversations.ports import Member, Records, SavedConversation
from conversations.privacy import ConsentDecision, RecordConsent, has_consent
from conversations.privacy.consent import THEN, THEN_ARGUMENT
from conversations.replies import Choices, Inbound, Option, Reply, Text

# The question "discard the draft?" asked by /cancel, and how many answers a draft holds
# before losing it is worth that question.
DISCARD = "discard"
FEW_ANSWERS = 2

DISCARD_OPTIONS = (
    ChoiceOption("discard", N_("draft.discard"), ("huy", "co", "yes")),
    ChoiceOption("keep", N_("draft.keep"), ("tiep tuc", "khong", "no")),
)
RESUME = ChoiceOption(RESUME_ITEM, N_("menu.resume"), ("tiep tuc", "resume"))

# A channel whose buttons carry no numbers (Telegram) explains a wrong choice without them.
BUTTON_WORDING = {
    N_("input.choose_option"): N_("input.choose_button"),
    N_("menu.not_understood"): N_("menu.not_understood_button"),
}

SUMMARY_OPTIONS = (
    ChoiceOption("confirm", N_("summary.confirm"), ("gui", "xac nhan", "dong y", "ok", "yes")),
    ChoiceOption("edit", N_("summary.edit"), ("sua",)),
    ChoiceOption("cancel", N_("summary.cancel"), ("huy",)),
)


@dataclass(frozen=True)
class ConversationState:
    """What is stored for the member after this message."""

    flow: str | None
    step: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """The engine's answer to one message."""

    replies: list[Reply]
    effects: list[Effect]
    state: ConversationState
    # The language the replies are written in (a language just chosen included).
    locale: str = DEFAULT_LOCALE
    # The message was a tap on a button of a question already answered: it changed nothing.
    stale_tap: bool = False


@dataclass
class Turn:
    """The working state while one message is handled."""

    member: Member
    message: Inbound
    records: Records
    now: datetime
    locale: str
    flow: Flow | None
    step: str | None
    answers: dict[str, Any]
    editing: bool
    draft: dict[str, Any] | None
    # The summary item being changed alone (flows whose summary lines are edited by number).
    item: int | None = None
    # /cancel was sent with a draft worth keeping: "discard the draft?" waits for an answer.
    discarding: bool = False
    # Steps the flow answered itself when it began (the only area of a leader): not counted.
    given: list[str] = field(default_factory=list)
    # The section of the menu shown, while at home (None: the main screen).
    section: str | None = None
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    stale_tap: bool = False

    def say(self, reply: Reply) -> None:
        self.replies.append(reply)

    def leave(self) -> None:
        """Out of any flow, at the menu: no step, no answers, nothing being edited."""
        self.flow, self.step, self.answers, self.editing, self.item = None, None, {}, False, None
        self.discarding = False
        self.given, self.section = [], None

    def enter(self, flow: Flow) -> None:
        """At the first step of ``flow``, with no answers yet."""
        self.flow, self.step, self.answers, self.editing, self.item = (
            flow,
            flow.first_step,
            {},
            False,
            None,
        )
        self.discarding = False
        self.given = []


class Engine:
    """Drives every flow. Built once per process; holds no per-user state."""

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
        self.language_flow = language_flow
        self.consent_flow = consent_flow
        self.draft_lifetimes = DraftLifetimes.of_flows(draft_ttl, flows)
        self.flow_commands = {word: flow.name for flow in flows for word in flow.commands}

    # -- entry point -------------------------------------------------------------------------

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
                await self._start_flow(turn, self.flows[self.language_flow], argument="")
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
            return Outcome(
                turn.replies, turn.effects, self._state(turn), turn.locale, turn.stale_tap
            )
        start = replace(message, text="/start", option=None, option_ref=None)
        return await self.handle(member, saved, start, records, now)

    # -- state -------------------------------------------------------------------------------

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

    def _adopt_locale(self, turn: Turn, locale: str) -> None:
        effect = SetLocale(locale)
        turn.effects.append(effect)
        turn.member = member_after(turn.member, effect)
        turn.locale = locale
        turn.say(Text(self._t(turn, N_("language.from_app"))))

    # -- home --------------------------------------------------------------------------------

    async def _at_home(self, turn: Turn) -> None:
        message = turn.message
        if message.option is not None and not (message.option_ref or "").startswith(MENU):
            turn.stale_tap = True
            turn.say(Text(self._t(turn, N_("input.stale_button"))))
            self._show_menu(turn)
            return
        command = parse_command(message.text, self.flow_commands)
        if command is not None:
            await self._home_command(turn, command)
            return
        if message.option is not None:  # a tap answers the screen it was shown on
            turn.section = section_of(message.option_ref)
        options, first = self._menu_options(turn)
        fields = self._fields(turn)
        try:
            choice = match_option(message, options, fields, numbered_from=first)
        except InvalidAnswer:
            choice = self._any_menu_item(turn)
        if choice is None:
            recognising = self._recogniser(message.text or "")
            if recognising is not None:  # an invitation code typed at the menu
                await self._start_flow(turn, recognising, message.text or "")
                return
            turn.say(Text(self._explain(turn, N_("menu.not_understood"))))
            self._show_menu(turn)
            return
        await self._menu_choice(turn, choice)

    def _any_menu_item(self, turn: Turn) -> str | None:
        """The item of another screen that a tap (an older menu's button) or its words name;
        never a number, which belongs to the screen shown."""
        if turn.message.option is None and typed_number(turn.message) is not None:
            return None
        everything = tuple(
            ChoiceOption(name, self.flows[name].title)
            for name in flat_items(self.menu)
            if self._allowed(turn, self.flows[name])
        )
        try:
            return match_option(turn.message, everything, self._fields(turn))
        except InvalidAnswer:
            return None

    async def _home_command(self, turn: Turn, command: Command) -> None:
        if not command.known:
            turn.say(Text(self._t(turn, N_("input.unknown_command"), command=command.name)))
            self._show_menu(turn)
        elif command.name == "start" and await self._start_linked_flow(turn):
            pass
        elif command.name == "start":
            turn.section = None
            turn.say(Text(self._t(turn, N_("home.welcome"))))
            self._show_menu(turn)
        elif command.name == "help":
            turn.say(Text(self._t(turn, N_("help.home"))))
            self._show_menu(turn)
        elif command.name == "cancel" and turn.draft is not None:
            self._cancel_draft(turn)
        elif command.name in self.flows:
            await self._start_flow(turn, self.flows[command.name], command.argument)
        else:  # /menu, /back: the main screen
            turn.section = None
            self._show_menu(turn)

    async def _menu_choice(self, turn: Turn, choice: str) -> None:
        if choice == RESUME_ITEM and turn.draft is not None:
            self._resume_draft(turn)
        elif choice == HELP_ITEM:
            turn.say(Text(self._t(turn, N_("help.home"))))
            self._show_menu(turn)
        elif choice.startswith(SECTION_PREFIX):
            turn.section = choice.removeprefix(SECTION_PREFIX)
            self._show_menu(turn)
        elif choice == MAIN_ITEM:
            turn.section = None
            self._show_menu(turn)
        else:
            await self._start_flow(turn, self.flows[choice], argument="")

    def _menu_screen(self, turn: Turn) -> MenuScreen:
        return menu_screen(
            self.menu,
            lambda name: self._allowed(turn, self.flows[name]),
            lambda name: self.flows[name].title,
            turn.section,
        )

    def _menu_options(self, turn: Turn) -> tuple[tuple[ChoiceOption, ...], int]:
        """The options of the screen shown and the number of the first: a pending draft is
        0, above the main screen's items, so that they keep their numbers."""
        screen = self._menu_screen(turn)
        if screen.section is None and self.flows.get((turn.draft or {}).get("flow", "")):
            return (RESUME, *screen.options), 0
        return screen.options, 1

    def _show_menu(self, turn: Turn) -> None:
        screen = self._menu_screen(turn)
        turn.section = screen.section.id if screen.section is not None else None
        options, first = self._menu_options(turn)
        offered = []
        for option in options:
            label = self._t(turn, option.label)
            if option.id == RESUME_ITEM and turn.draft is not None:
                flow = self.flows[turn.draft["flow"]]
                label = self._t(turn, option.label, flow=self._t(turn, flow.title))
            offered.append(Option(option.id, label))
        if screen.section is None:
            prompt = self._t(turn, N_("menu.prompt"))
        else:
            title = self._t(turn, screen.section.title)
            prompt = self._t(turn, N_("menu.section_prompt"), section=title)
        turn.say(Choices(prompt, tuple(offered), screen.ref, numbered_from=first))

    def _resume_draft(self, turn: Turn) -> None:
        draft = turn.draft or {}
        if not self._allowed(turn, self.flows[draft["flow"]]):
            turn.draft = None  # the role that allowed it was given up meanwhile
            self._deny(turn)
            return
        turn.flow = self.flows[draft["flow"]]
        turn.step = draft["step"]
        turn.answers = dict(draft.get("answers", {}))
        turn.editing = bool(draft.get("editing"))
        turn.item = draft.get("item")
        turn.given = list(draft.get("given", []))
        turn.draft = None
        turn.say(Text(self._t(turn, N_("draft.resumed"))))
        self._ask(turn)

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
            # "/status K7Q2M9XD" answers the first question at once.
            turn.message = replace(
                turn.message, text=argument, option=None, option_ref=None, update_key=None
            )
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

    # -- inside a flow -----------------------------------------------------------------------

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
            key = step.help if step is not None and step.help else N_("help.step")
            turn.say(Text(self._t(turn, key)))
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

    def _cancel(self, turn: Turn) -> None:
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
        target = redirect.step or flow.first_unanswered(turn.answers)
        if target in (SUMMARY, FINISHED):
            # An answer the redirect made moot (a phone consent once the tip went anonymous)
            # must not come back when the member edits from the summary.
            turn.answers = flow.prune(turn.answers)
        if target == FINISHED:
            await self._complete(turn, flow)
            return
        turn.step = target
        self._ask(turn)

    async def _advance(self, turn: Turn, flow: Flow) -> None:
        after = flow.move(turn.step or flow.first_step, turn.answers, turn.editing, "advance")
        if after in (SUMMARY, FINISHED):
            turn.editing = False
            turn.answers = flow.prune(turn.answers)
        if after == FINISHED:
            await self._complete(turn, flow)
            return
        turn.step = after
        self._ask(turn)

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

    async def _complete(self, turn: Turn, flow: Flow) -> None:
        answers = flow.prune(turn.answers)
        completion = await flow.complete(answers, self._flow_context(turn))
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
        if completion.next_flow is not None and completion.next_flow.name in self.flows:
            following = self.flows[completion.next_flow.name]
            await self._start_flow(turn, following, completion.next_flow.argument)
        elif turn.member.locale is None and flow.name != self.language_flow:
            await self._start_flow(turn, self.flows[self.language_flow], argument="")
        else:
            self._show_menu(turn)

    # -- asking ------------------------------------------------------------------------------

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
        prompt = self._t(turn, step.prompt)
        counted = flow.progress(step.name, turn.answers, turn.given)
        if counted is not None:
            position, total = counted
            if total is None:
                progress = self._t(turn, N_("flow.progress_open"), position=position)
            else:
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

    @staticmethod
    def _question_ref(turn: Turn) -> str | None:
        """The ref of the buttons of the question now open (a tap on others is stale)."""
        return DISCARD if turn.discarding else turn.step

    # -- policy ------------------------------------------------------------------------------

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

    async def _start_linked_flow(self, turn: Turn) -> bool:
        """``/start <payload>`` from a deep link: start the flow that recognises the payload."""
        command = parse_command(turn.message.text, self.flow_commands)
        if command is None or command.name != "start" or not command.argument:
            return False
        flow = self._recogniser(command.argument)
        if flow is None:
            return False
        await self._start_flow(turn, flow, command.argument)
        return True

    # -- helpers -----------------------------------------------------------------------------

    def _t(self, turn: Turn, key: str, **params: object) -> str:
        return self.catalogues.text(turn.locale, key, **params)

    def _explain(self, turn: Turn, key: str, **params: object) -> str:
        """Why an answer was not taken, in the words of the member's channel."""
        if turn.message.buttons and key in BUTTON_WORDING:
            return self._t(turn, BUTTON_WORDING[key])
        return self._t(turn, key, **params)

    def _fields(self, turn: Turn) -> FieldContext:
        return FieldContext(
            self.catalogues, turn.locale, local_today(turn.now), turn.member.roles, turn.answers
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


def split_line_number(text: str | None) -> tuple[str, str]:
    """ "5 380" → ("5", "380"); "5. = 380" → ("5", "380"); "380" → ("380", "")."""
    first, _, rest = (text or "").strip().partition(" ")
    return first.rstrip(".:=)"), rest.strip().lstrip("=:").strip()


def without_item_number(text: str | None, number: int) -> str | None:
    """The new value of line ``number`` when its number is typed again before the value
    ("5 380" when line 5 alone was asked, as in the "Sửa" step); else None."""
    first, rest = split_line_number(text)
    return rest if first == str(number) and rest else None


def supported_locale(language: str | None) -> str | None:
    """The locale we speak for a platform's language tag (``vi``, ``en-US`` ...), if any."""
    primary = (language or "").split("-")[0].split("_")[0].lower()
    return primary if primary in SUPPORTED_LOCALES else None


def member_after(member: Member, effect: Effect) -> Member:
    """The member as an effect leaves them, so the menu shown with it is already right."""
    if isinstance(effect, SetLocale):
        return replace(member, locale=effect.locale)
    if isinstance(effect, AcceptInvitation):
        return replace(member, roles=(*member.roles, effect.grant))
    if isinstance(effect, RecordConsent):
        agreed = effect.decision == ConsentDecision.GIVEN
        return replace(member, consent_version=effect.notice_version if agreed else None)
    if isinstance(effect, GiveUpRole):
        return replace(
            member, roles=tuple(grant for grant in member.roles if grant.id != effect.role_id)
        )
    return member
