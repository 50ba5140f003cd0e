"""/dulieucuatoi: everything the bot holds about the member, as a message and a JSON file;
/xoadulieu: erase it, after one confirmation."""

from __future__ import annotations

from typing import Any

from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.policy import Action
from conversations.privacy import EraseMe, SendMyData
from conversations.replies import Text


async def send_my_data(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    # The handler reads the database and answers with the list and the file.
    return Completion(effects=[SendMyData()])


def my_data_flow() -> Flow:
    commands = ("dulieucuatoi", "mydata")
    return Flow.at_once(
        "my_data",
        N_("menu.my_data"),
        send_my_data,
        step="what",
        commands=commands,
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
    title = N_("menu.erase")
    confirm = Step("confirm", N_("privacy.erase.ask"), ERASE_CHOICE, title=title)
    return Flow.one_question(
        "erase",
        title,
        confirm,
        erase,
        commands=("xoadulieu", "erase", "xoataikhoan"),
        action=Action.MY_DATA,
    )
