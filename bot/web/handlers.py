"""The chat's side of the web console: ``/web`` answers with a one-time login link."""

from __future__ import annotations

from datetime import timedelta

from bot.effect_context import EffectContext, EffectHandler
from bot.web.auth import LOGIN_PATH, issue_login_link, may_use_console
from conversations.effects import Effect
from conversations.i18n import N_
from conversations.policy import PolicyViolation
from conversations.web import LOGIN_LINK_MINUTES, SendWebLoginLink

WEB_LINK_SENT = "console.link_sent"


async def send_login_link(ctx: EffectContext, effect: SendWebLoginLink) -> None:
    if not may_use_console(ctx.member.roles):
        raise PolicyViolation("a web console link for a member without a console role")
    token = await issue_login_link(
        ctx.session,
        ctx.member.id,
        now=ctx.now,
        lifetime=timedelta(minutes=LOGIN_LINK_MINUTES),
    )
    await ctx.audit(WEB_LINK_SENT)
    url = f"{effect.base_url}{LOGIN_PATH}{token}"
    ctx.say(N_("web.link"), url=url, minutes=LOGIN_LINK_MINUTES)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {SendWebLoginLink: send_login_link}
