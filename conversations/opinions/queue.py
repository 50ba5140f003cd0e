"""The commune's queue of opinions: an officer picks one, reads it with the answers given so
far, and answers it (again) or marks it done.

The list is read when the flow starts and kept in the answers; the chosen opinion is read again
when picked and once more on completing, so one marked done by another officer meanwhile is
not answered or closed twice.
"""

from __future__ import annotations

from typing import Any

from conversations.choosing import pick_item
from conversations.fields import Accepted, Field, FieldContext, FreeText, format_tip_code
from conversations.flow import Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.opinions import (
    ANSWER,
    CATEGORIES,
    CLOSE,
    DONE,
    FORUM,
    MAX_ANSWER,
    MAX_LISTED,
    OFFICER_ACTIONS,
    OFFICER_SIDE,
    AnswerOpinion,
    AttachToForum,
    FinishOpinion,
    ForumView,
    OpinionView,
)
from conversations.policy import Action, may, scopes
from conversations.replies import Choices, Inbound, Option, Reply, Text

OPINION = "opinion"


def _option(item: dict[str, Any]) -> str:
    return f"opinion:{item['code']}"


class OpinionList(Field):
    """Pick one opinion of the queue by tap or number."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        items = (current or {}).get("items", [])
        offered = tuple(
            Option(_option(item), f"{CATEGORIES.display(item['category'], ctx)} · {item['text']}")
            for item in items
        )
        return Choices(text, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        value = dict(current) if isinstance(current, dict) else {"items": []}
        value["chosen"] = pick_item(message, value.get("items", []), _option)["code"]
        return Accepted(value)

    def display(self, value: Any, ctx: FieldContext) -> str:
        return format_tip_code(value["chosen"]) if value.get("chosen") else ""


def forum_item(forum: ForumView) -> dict[str, Any]:
    return {"code": str(forum.event_id), "label": f"{forum.title} · {forum.starts_at}"}


def _forum_option(item: dict[str, Any]) -> str:
    return f"forum:{item['code']}"


class ForumList(Field):
    """Pick one of the forums to come by tap or number."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        items = (current or {}).get("items", [])
        offered = tuple(Option(_forum_option(item), item["label"]) for item in items)
        return Choices(text, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        value = dict(current) if isinstance(current, dict) else {"items": []}
        value["chosen"] = pick_item(message, value.get("items", []), _forum_option)["code"]
        return Accepted(value)

    def display(self, value: Any, ctx: FieldContext) -> str:
        chosen = value.get("chosen")
        return next((i["label"] for i in value.get("items", []) if i["code"] == chosen), "")


async def _queue(ctx: FlowContext) -> list[OpinionView]:
    paths = [place.path for place in scopes(ctx.member.roles, Action.HANDLE_OPINIONS)]
    return await ctx.records.opinions.opinion_queue(paths, MAX_LISTED)


async def _chosen(answers: dict[str, Any], ctx: FlowContext) -> OpinionView | None:
    """The picked opinion as stored now, if this officer may still act on it."""
    code = (answers.get(OPINION) or {}).get("chosen")
    view = await ctx.records.opinions.opinion(code) if code else None
    if view is None or view.status == DONE:
        return None
    if not may(ctx.member.roles, Action.HANDLE_OPINIONS, view.commune_path):
        return None
    return view


def describe(view: OpinionView, ctx: FieldContext) -> str:
    """The opinion as the officers read it, with the answers given so far."""
    sender = N_("opinions.sender.anonymous") if view.anonymous else N_("opinions.sender.named")
    lines = [
        ctx.t(
            N_("opinions.officer.view"),
            code=format_tip_code(view.code),
            category=CATEGORIES.display(view.category, ctx),
            commune=view.commune,
            day=view.received_on,
            place=view.place or "-",
            text=view.text,
            sender=ctx.t(sender),
        )
    ]
    if view.has_photo:
        lines.append(ctx.t(N_("opinions.officer.photo")))
    number = 0
    for side, text in view.thread:
        if side == OFFICER_SIDE:
            number += 1
            lines.append(ctx.t(N_("opinions.officer.answer_line"), number=number, text=text))
        else:
            lines.append(ctx.t(N_("opinions.officer.resident_line"), text=text))
    return "\n".join(lines)


async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    found = await _queue(ctx)
    if not found:
        return Redirect(replies=[Text(ctx.t(N_("opinions.queue.empty")))], stop=True)
    return Redirect(answers={OPINION: {"items": [view.listed() for view in found]}}, step=OPINION)


async def picked(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    view = await _chosen(answers, ctx)
    if view is None:
        fresh = await _queue(ctx)
        gone = Text(ctx.t(N_("opinions.queue.gone")))
        if not fresh:
            return Redirect(replies=[gone], stop=True)
        return Redirect(
            replies=[gone], answers={OPINION: {"items": [v.listed() for v in fresh]}}, step=OPINION
        )
    return Redirect(replies=[Text(describe(view, ctx))])


async def acted(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    if answers.get("action") == CLOSE:
        return Redirect(stop=True)
    if answers.get("action") == FORUM:
        view = await _chosen(answers, ctx)
        found = await ctx.records.opinions.forums(view.commune_path, ctx.now) if view else []
        if not found:
            none = Text(ctx.t(N_("opinions.forum.none")))
            return Redirect(replies=[none], answers={"action": None}, step="action")
        return Redirect(answers={"forum": {"items": [forum_item(f) for f in found]}}, step="forum")
    return None


def answering(answers: Answers) -> bool:
    """The officer chose to write an answer."""
    return answers.get("action") == ANSWER


def choosing_forum(answers: Answers) -> bool:
    """The officer chose to list the opinion for a forum."""
    return answers.get("action") == FORUM


async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    view = await _chosen(answers, ctx)
    if view is None:
        return Completion(replies=[Text(ctx.t(N_("opinions.queue.gone")))])
    code = format_tip_code(view.code)
    if answers["action"] == FORUM:
        event_id = int(answers["forum"]["chosen"])
        listed = Text(ctx.t(N_("opinions.forum.listed"), code=code))
        return Completion(replies=[listed], effects=[AttachToForum(view.code, event_id)])
    if answers["action"] == DONE:
        done = Text(ctx.t(N_("opinions.officer.done"), code=code))
        return Completion(replies=[done], effects=[FinishOpinion(view.code)])
    sent = Text(ctx.t(N_("opinions.officer.answered"), code=code))
    return Completion(replies=[sent], effects=[AnswerOpinion(view.code, answers["answer"])])


def opinion_queue_flow(*, command: bool = False) -> Flow:
    """The queue: on the officers' menu ("opinions"), and by its command for officers and
    admins alike ("opinion_queue", ``command``)."""
    return Flow(
        "opinion_queue" if command else "opinions",
        title=N_("opinions.menu.queue"),
        commands=("xemgopy", "opinions") if command else (),
        action=Action.HANDLE_OPINIONS if command else Action.OPINION_QUEUE_ITEM,
        begin=begin,
        complete=complete,
        confirm=False,
        steps=[
            Step(
                OPINION,
                N_("opinions.queue.ask"),
                OpinionList(),
                N_("opinions.title.opinion"),
                after=picked,
            ),
            Step(
                "action",
                N_("opinions.ask.action"),
                OFFICER_ACTIONS,
                N_("opinions.title.action"),
                after=acted,
            ),
            Step(
                "answer",
                N_("opinions.ask.answer"),
                FreeText(min_length=2, max_length=MAX_ANSWER),
                N_("opinions.title.answer"),
                applies=answering,
            ),
            Step(
                "forum",
                N_("opinions.forum.ask"),
                ForumList(),
                N_("opinions.title.forum"),
                applies=choosing_forum,
            ),
        ],
    )
