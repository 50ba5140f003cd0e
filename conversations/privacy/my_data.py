"""/dulieucuatoi: everything the bot holds about the member, as a message and a JSON file;
/xoadulieu: erase it, after one confirmation."""

from __future__ import annotations

from typing import Any

from conversations.fields import Choice, ChoiceOption, yes_no
from conversations.flow import Completion, Flow, FlowContext, Step, answered_at_once
from conversations.i18n import N_
from conversations.policy import Action
from conversations.privacy import EraseMe, SendMyData
from conversations.replies import Text


async def send_my_data(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    # The handler reads the database and answers with the list and the file.
    return Completion(effects=[SendMyData()])


def my_data_flow() -> Flow:
    return Flow(
        "my_data",
        title=N_("menu.my_data"),
        steps=[Step("what", N_("menu.my_data"), yes_no(), title=N_("menu.my_data"))],
        complete=send_my_data,
        confirm=False,
        begin=answered_at_once("what", "yes"),
        commands=("dulieucuatoi", "mydata"),
        action=Action.MY_DATA,
    )


ERASE_CHOICE = Choice(
    ChoiceOption("erase", N_("privacy.erase.yes"), ("xoa", "xoa het", "erase", "delete")),
    ChoiceOption("keep", N_("privacy.erase.no"), ("giu", "giu lai", "keep", "khong")),
)


async def erase(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    if answers["confirm"] != "erase":
        return Completion(replies=[Text(ctx.t(N_("privacy.erase.kept")))])
    return Completion(replies=[Text(ctx.t(N_("privacy.erase.done")))], effects=[EraseMe()])


def erase_flow() -> Flow:
    return Flow(
        "erase",
        title=N_("menu.erase"),
        steps=[Step("confirm", N_("privacy.erase.ask"), ERASE_CHOICE, title=N_("menu.erase"))],
        complete=erase,
        confirm=False,
        commands=("xoadulieu", "erase", "xoataikhoan"),
        action=Action.MY_DATA,
    )
