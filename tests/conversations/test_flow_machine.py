"""A flow's state machine is built once and shared: moving a conversation adds nothing to it."""

from __future__ import annotations

from typing import Any

import pytest
from transitions import Machine

from conversations.fields import FreeText, yes_no
from conversations.flow import EDIT, FINISHED, SUMMARY, Completion, Flow, FlowContext, Step


async def _complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    return Completion()


def _flow(*, confirm: bool = True) -> Flow:
    return Flow(
        "sample",
        title="sample",
        confirm=confirm,
        complete=_complete,
        steps=[
            Step("what", "what", FreeText(), title="what"),
            Step("contact", "contact", yes_no(), title="contact"),
            Step(
                "phone",
                "phone",
                FreeText(),
                title="phone",
                applies=lambda answers: answers.get("contact") == "yes",
            ),
            Step("when", "when", FreeText(), title="when"),
        ],
    )


@pytest.fixture
def no_models_added(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Machine, model: Any, initial: Any = None) -> None:
        raise AssertionError("a model was added to a shared machine")

    monkeypatch.setattr(Machine, "add_model", refuse)


@pytest.mark.usefixtures("no_models_added")
def test_advance_skips_a_step_that_does_not_apply_and_asks_it_when_it_does() -> None:
    flow = _flow()
    assert flow.move("contact", {"contact": "no"}, False, "advance") == "when"
    assert flow.move("contact", {"contact": "yes"}, False, "advance") == "phone"
    assert flow.move("when", {}, False, "advance") == SUMMARY
    assert _flow(confirm=False).move("when", {}, False, "advance") == FINISHED


@pytest.mark.usefixtures("no_models_added")
def test_back_goes_to_the_nearest_step_that_applies_and_stays_at_the_first() -> None:
    flow = _flow()
    assert flow.move("when", {"contact": "no"}, False, "back") == "contact"
    assert flow.move("when", {"contact": "yes"}, False, "back") == "phone"
    assert flow.move("what", {}, False, "back") == "what"


@pytest.mark.usefixtures("no_models_added")
def test_editing_from_the_summary_asks_only_what_a_changed_answer_opened() -> None:
    flow = _flow()
    assert flow.move(SUMMARY, {}, False, "edit") == EDIT
    assert flow.move(EDIT, {}, True, "edit_contact") == "contact"
    answers = {"what": "x", "contact": "yes", "when": "y"}
    assert flow.move("contact", answers, True, "advance") == "phone"
    answers["phone"] = "0901"
    assert flow.move("phone", answers, True, "advance") == SUMMARY
    assert flow.move("what", {}, False, "no_such_trigger") == "what"
