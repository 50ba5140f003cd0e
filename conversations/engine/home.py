"""At home, outside any flow: the menu and its sections, commands typed at the menu, a draft
put aside and taken up again, a deep link's code."""

from __future__ import annotations

from conversations.choosing import typed_number
from conversations.commands import Command, parse_command
from conversations.engine.parts import EngineParts
from conversations.engine.turn import RESUME, Turn, member_after
from conversations.fields import ChoiceOption, InvalidAnswer, match_option
from conversations.i18n import N_
from conversations.menu_layout import (
    HELP_ITEM,
    MAIN_ITEM,
    MENU,
    RESUME_ITEM,
    SECTION_PREFIX,
    MenuScreen,
    flat_items,
    menu_screen,
    section_of,
)
from conversations.people import SetLocale
from conversations.replies import Choices, Option, Text


class Home(EngineParts):
    """What the engine does with a message when no flow is under way."""

    def _adopt_locale(self, turn: Turn, locale: str) -> None:
        effect = SetLocale(locale)
        turn.effects.append(effect)
        turn.member = member_after(turn.member, effect)
        turn.locale = locale
        turn.say(Text(self._t(turn, N_("language.from_app"))))

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
        # Who may enter a flow is asked of the roles alone (anywhere), and a section that is
        # not one shows the main screen: a screen depends on the roles held and the section,
        # so it is laid out once per pair, not at every message (issue 28).
        section = turn.section if turn.section in self._menu_section_ids else None
        key = (frozenset(grant.role for grant in turn.member.roles), section)
        screen = self._menu_screens.get(key)
        if screen is None:
            screen = menu_screen(
                self.menu,
                lambda name: self._allowed(turn, self.flows[name]),
                lambda name: self.flows[name].title,
                section,
            )
            self._menu_screens[key] = screen
        return screen

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
