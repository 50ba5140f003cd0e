""" "Bước i/n" counted in one pass gives what the former count gave, for every flow (issue 28).

``reference_progress`` is the former ``Flow.progress``, kept verbatim as the specification."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.fields import Choice
from conversations.flow import SUMMARY, Flow
from conversations.menu import build_engine
from tests.conversations.harness import CATALOGUES

FLOWS = list(build_engine(CATALOGUES).flows.values())


def reference_progress(
    flow: Flow, step_name: str, answers: dict[str, Any], given: Collection[str] = ()
) -> tuple[int, int] | None:
    asked = [step for step in flow.steps if step.name not in given]
    everybody = sum(1 for step in asked if step.applies is None)
    applicable = [step.name for step in asked if step.applies_to(answers)]
    if everybody <= 1 or step_name not in applicable:
        return None
    total = 0
    open_before = False
    for step in asked:
        if step.applies_to(answers):
            total += 1
            open_before = open_before or step.name not in answers
        elif step.counted_ahead and open_before:
            total += 1
    return applicable.index(step_name) + 1, total


def outcome(count: Any, *args: Any) -> tuple[str, Any]:
    """What a count gives, or the error it raises (a condition reading an odd answer)."""
    try:
        return "counted", count(*args)
    except Exception as error:
        return "raised", type(error)


# A flow, the step asked, the answers so far, the steps the flow answered itself.
Position = tuple[Flow, str, dict[str, Any], list[str]]


@st.composite
def positions(draw: st.DrawFn) -> Position:
    flow = draw(st.sampled_from(FLOWS))
    names = [step.name for step in flow.steps]
    # An answer is one of its step's options where it has options: conditions compare them.
    values: list[Any] = ["x", "", 1, True, False, None, {"unknown": True}]
    for step in flow.steps:
        if isinstance(step.field, Choice):
            values.extend(option.id for option in step.field.options)
    answers = draw(st.dictionaries(st.sampled_from(names), st.sampled_from(values)))
    given_steps = draw(st.lists(st.sampled_from(names), max_size=2))
    step_name = draw(st.sampled_from([*names, SUMMARY]))
    return flow, step_name, answers, given_steps


@settings(max_examples=1500)
@given(positions())
def test_the_count_is_the_former_count(
    position: tuple[Flow, str, dict[str, Any], list[str]],
) -> None:
    flow, step_name, answers, given_steps = position
    assert outcome(flow.progress, step_name, answers, given_steps) == outcome(
        reference_progress, flow, step_name, answers, given_steps
    )


def answer_values(flow: Flow, pick: int) -> dict[str, Any]:
    """An answer to every step: option ``pick`` of a step with options, else some text."""
    return {
        step.name: step.field.options[pick].id if isinstance(step.field, Choice) else "x"
        for step in flow.steps
    }


def test_every_step_of_every_flow_counts_as_before_along_its_paths() -> None:
    for flow in FLOWS:
        for pick in (0, -1):
            values = answer_values(flow, pick)
            for answered in range(len(flow.steps) + 1):
                # The first ``answered`` steps answered, or all but one of them.
                for skipped in (None, *range(answered)):
                    names = [step.name for step in flow.steps[:answered]]
                    answers = {name: values[name] for i, name in enumerate(names) if i != skipped}
                    for step in flow.steps:
                        for given_steps in ((), (flow.steps[0].name,)):
                            args = (step.name, answers, given_steps)
                            expected = outcome(reference_progress, flow, *args)
                            assert outcome(flow.progress, *args) == expected, (flow.name, args)
