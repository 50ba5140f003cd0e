"""The small declarative vocabulary flows are written in.

A flow is a list of steps in the order a person meets them. Each step names its prompt, its
input kind and, when it only sometimes applies, a named condition on the answers so far. The
order and the branches become one ``transitions`` state machine per flow, built once and
shared by every conversation: a move reads the machine's transitions (``Flow.move``), it never
adds a conversation to it as a model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from transitions import EventData, Machine
from transitions.core import Event

from conversations.effects import Effect
from conversations.fields import Field, FieldContext, Reads, yes_no
from conversations.i18n import Catalogues
from conversations.policy import Action, Member
from conversations.replies import Reply

if TYPE_CHECKING:
    from conversations.drafts import OfferedDraft

Answers = Mapping[str, Any]
Condition = Callable[[Answers], bool]

SUMMARY = "summary"
EDIT = "edit"
FINISHED = "finished"


@dataclass(frozen=True)
class Redirect:
    """Where a flow goes instead of the next question: answers to add, what to say first, and
    the step to continue at (``SUMMARY`` included; None: the first applicable step not yet
    answered). ``stop`` ends the flow after saying ``replies`` (nothing left to do)."""

    answers: Mapping[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    step: str | None = None
    stop: bool = False


# A hook run when a flow starts, or after a step is answered; None means "carry on".
Hook = Callable[[dict[str, Any], "FlowContext"], Awaitable[Redirect | None]]


def answered_at_once(step: str, value: Any) -> Hook:
    """A ``begin`` hook for a command that acts at once (``/dunglai``, ``/rutdongy``): its one
    step is answered with ``value`` and the flow completes without asking anything."""

    async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect:
        return Redirect(answers={step: value}, step=FINISHED)

    return begin


@dataclass(frozen=True)
class Step:
    """One question: its key in the answers, prompt, input kind, summary title, condition.

    ``after`` runs once the step is answered and may redirect the flow (an answer that finds
    a stored record, say). ``params`` fill the prompt's and the help's ``{slots}`` with what
    the settings say (a retention period, say), as ``(name, value)`` pairs. A conditional step
    ``counted_ahead`` counts in the total of "Bước i/n" while a question before it is still to
    be answered (it may yet be asked), so that the total never grows on the way: "Bước 7/9",
    then the summary or "Bước 8/9".
    """

    name: str
    prompt: str
    field: Field
    title: str
    applies: Condition | None = None
    help: str | None = None
    after: Hook | None = None
    params: tuple[tuple[str, object], ...] = ()
    counted_ahead: bool = False

    @property
    def text_params(self) -> dict[str, object]:
        return dict(self.params)

    def applies_to(self, answers: Answers) -> bool:
        return self.applies is None or self.applies(answers)


@dataclass(frozen=True)
class FlowContext:
    """What a flow's completion may use: the member, their language, the clock, reads."""

    member: Member
    locale: str
    catalogues: Catalogues
    records: Reads
    now: datetime
    today: date

    def t(self, key: str, **params: object) -> str:
        return self.catalogues.text(self.locale, key, **params)

    @property
    def fields(self) -> FieldContext:
        return FieldContext(
            self.catalogues, self.locale, self.today, self.member.roles, member_id=self.member.id
        )


@dataclass(frozen=True)
class NextFlow:
    """The flow to start once this one is done, with what the member typed after its command."""

    name: str
    argument: str = ""


@dataclass(frozen=True)
class Completion:
    """What finishing a flow says and does; with ``redirect`` the flow goes on instead
    (what was about to be stored changed meanwhile, say); with ``next_flow`` another flow
    starts right after (the one the privacy notice interrupted)."""

    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    redirect: Redirect | None = None
    next_flow: NextFlow | None = None
    # A draft of another account of the member's, linked now (``conversations.linking``).
    offered_draft: OfferedDraft | None = None


class Refused(Exception):
    """A completion that cannot go on (the place typed is not the member's, say): ``text``
    says why, and the flow ends with that reply alone, nothing stored. Raised by the checks
    a completion shares (``choosing.pick_place``), so each completion need not relay them."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


Complete = Callable[[dict[str, Any], FlowContext], Awaitable[Completion]]


class Cursor:
    """What a transition's conditions read of a conversation: its answers, and whether they
    are being edited from the summary."""

    def __init__(self, answers: dict[str, Any], editing: bool) -> None:
        self.answers = answers
        self.editing = editing


class Flow:
    """A conversation that collects answers step by step and then completes.

    With ``confirm`` the user sees a summary with Confirm / Edit before anything is stored.
    ``action`` is what the policy is asked before the flow starts (None: anybody).
    ``recognise`` tells text that, typed at the menu or carried by a ``/start`` deep link,
    is this flow's first answer (an invitation code).
    ``begin`` runs when the flow starts and may fill answers or redirect it; ``heading`` is
    shown at the top of the summary; ``draft_ttl`` overrides how long an unfinished draft
    lives (a monthly update is filled over days). With ``edit_by_number`` "Edit" asks for
    the number of a summary line ("5", or "5 12" to change it at once) instead of offering
    the steps as buttons: for flows with many lines. With ``needs_consent`` the flow keeps
    something about the member, so the engine asks for consent to the privacy notice first
    (``conversations.privacy``). ``on_cancel`` gives the effects of a /cancel (a survey's
    answers kept apart are discarded), from the answers so far.
    """

    def __init__(
        self,
        name: str,
        *,
        title: str,
        steps: list[Step],
        complete: Complete,
        confirm: bool = True,
        intro: str | None = None,
        commands: tuple[str, ...] = (),
        action: Action | None = None,
        recognise: Callable[[str], bool] | None = None,
        begin: Hook | None = None,
        heading: Callable[[Answers, FieldContext], str] | None = None,
        draft_ttl: timedelta | None = None,
        edit_by_number: bool = False,
        needs_consent: bool = False,
        on_cancel: Callable[[Answers], list[Effect]] | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.steps = tuple(steps)
        self.complete = complete
        self.confirm = confirm
        self.intro = intro
        self.commands = commands
        self.action = action
        self.recognise = recognise
        self.begin = begin
        self.heading = heading
        self.draft_ttl = draft_ttl
        self.edit_by_number = edit_by_number
        self.needs_consent = needs_consent
        self.on_cancel = on_cancel
        self.by_name = {step.name: step for step in self.steps}
        self.machine = self._build_machine()

    @classmethod
    def one_question(
        cls,
        name: str,
        title: str,
        question: Step,
        complete: Complete,
        *,
        commands: tuple[str, ...],
        action: Action | None,
        confirm: bool = False,
        begin: Hook | None = None,
        **options: Any,
    ) -> Flow:
        """A flow of one question, acted on as soon as it is answered unless ``confirm``
        (``/trangthai``, ``/ngonngu``, ``/mamoi``)."""
        return cls(
            name,
            title=title,
            steps=[question],
            complete=complete,
            confirm=confirm,
            begin=begin,
            commands=commands,
            action=action,
            **options,
        )

    @classmethod
    def at_once(
        cls,
        name: str,
        title: str,
        complete: Complete,
        *,
        step: str,
        commands: tuple[str, ...],
        action: Action | None,
        answer_title: str | None = None,
    ) -> Flow:
        """A command that acts at once (``/web``, ``/dulieucuatoi``, ``/rutdongy``): its one
        yes/no step (``step``, titled ``answer_title`` in a draft) is answered "yes" when it
        starts, so nothing is asked."""
        question = Step(step, title, yes_no(), title=answer_title or title)
        begin = answered_at_once(step, "yes")
        return cls.one_question(
            name, title, question, complete, commands=commands, action=action, begin=begin
        )

    def _build_machine(self) -> Machine:
        names = [step.name for step in self.steps]
        end = SUMMARY if self.confirm else FINISHED
        transitions: list[dict[str, Any]] = []
        for index, source in enumerate(names):
            # Transitions of one trigger are tried in the order given: the first whose
            # condition holds wins, so "advance" lands on the next step that applies.
            for target in self.steps[index + 1 :]:
                transitions.append(
                    {
                        "trigger": "advance",
                        "source": source,
                        "dest": target.name,
                        "conditions": [self._needs_answer(target)],
                    }
                )
            transitions.append({"trigger": "advance", "source": source, "dest": end})
            transitions.extend(self._back(source, reversed(self.steps[:index])))
        transitions.extend(self._back(SUMMARY, reversed(self.steps)))
        transitions.append({"trigger": "edit", "source": SUMMARY, "dest": EDIT})
        transitions.append({"trigger": "back", "source": EDIT, "dest": SUMMARY})
        transitions.append({"trigger": "review", "source": "*", "dest": SUMMARY})
        for step in self.steps:
            transitions.append({"trigger": f"edit_{step.name}", "source": EDIT, "dest": step.name})
        return Machine(
            model=None,
            states=[*names, SUMMARY, EDIT, FINISHED],
            transitions=transitions,
            initial=names[0],
            send_event=True,
            auto_transitions=False,
            ignore_invalid_triggers=True,
        )

    @classmethod
    def _back(cls, source: str, targets: Iterable[Step]) -> list[dict[str, Any]]:
        """ "back" from ``source``: to the first of ``targets`` (nearest first) that applies."""
        return [
            {
                "trigger": "back",
                "source": source,
                "dest": target.name,
                "conditions": [cls._applies(target)],
            }
            for target in targets
        ]

    @staticmethod
    def _applies(step: Step) -> Callable[[EventData], bool]:
        def condition(event: EventData) -> bool:
            return step.applies_to(event.model.answers)

        return condition

    @staticmethod
    def _needs_answer(step: Step) -> Callable[[EventData], bool]:
        def condition(event: EventData) -> bool:
            cursor: Cursor = event.model
            if not step.applies_to(cursor.answers):
                return False
            # While editing from the summary, only steps that a changed answer newly opened
            # (e.g. the phone number after choosing to leave a contact) are asked.
            return not cursor.editing or step.name not in cursor.answers

        return condition

    def move(self, state: str, answers: dict[str, Any], editing: bool, trigger: str) -> str:
        """Where ``trigger`` takes a conversation at ``state`` (``state`` itself if nowhere).

        The machine is read, not run: its transitions of ``trigger`` from ``state`` are tried
        in the order declared and the first whose conditions hold wins, as firing the trigger
        would decide. Adding the conversation as a model for one move (and removing it) cost
        about 30 times as much, and a model shared by all conversations about 5 times (issue
        28); the machine has no callbacks a move would skip."""
        event: Event | None = self.machine.events.get(trigger)
        if event is None:
            return state
        cursor = Cursor(answers, editing)
        data = EventData(None, event, self.machine, cursor, args=(), kwargs={})
        for transition in event.transitions.get(state, ()):
            if all(condition.check(data) for condition in transition.conditions):
                return str(transition.dest)
        return state

    @property
    def first_step(self) -> str:
        return self.steps[0].name

    def applicable(self, answers: Answers) -> list[Step]:
        return [step for step in self.steps if step.applies_to(answers)]

    def progress(
        self, step_name: str, answers: Answers, given: Collection[str] = ()
    ) -> tuple[int, int] | None:
        """Where a step stands, as "Bước i/n" shows it: (position, total), or None where a
        count tells nothing (a step the flow answered itself, ``given``, such as a code typed
        after the command, or a flow of one question).

        The total counts the steps that apply to the answers so far, and the ``counted_ahead``
        steps that a question still to answer before them may open: it never grows on the way
        (a tip is "Bước 7/9" at the choice to leave a phone, whichever is chosen)."""
        # One pass, each step's condition asked once: this runs at every question (issue 28).
        everybody = 0  # steps asked of everybody
        applicable = 0  # steps that apply, so far
        position = None  # where ``step_name`` stands among the steps that apply
        total = 0
        open_before = False  # a question before this step that applies is still unanswered
        for step in self.steps:
            if step.name in given:
                continue
            if step.applies is None:
                everybody += 1
            if step.applies_to(answers):
                applicable += 1
                if position is None and step.name == step_name:
                    position = applicable
                total += 1
                open_before = open_before or step.name not in answers
            elif step.counted_ahead and open_before:
                total += 1
        if everybody <= 1 or position is None:
            return None
        return position, total

    def first_unanswered(self, answers: Answers) -> str:
        """The first step that applies and has no answer yet; the summary when none is left."""
        for step in self.applicable(answers):
            if step.name not in answers:
                return step.name
        return SUMMARY if self.confirm else FINISHED

    def prune(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Only the answers of steps that apply: a phone given before switching to an
        anonymous tip must not be kept. Names starting with "_" are the flow's own context
        (what to do next), not answers, and stay."""
        keep = {step.name for step in self.applicable(answers)}
        return {
            name: value for name, value in answers.items() if name in keep or name.startswith("_")
        }
