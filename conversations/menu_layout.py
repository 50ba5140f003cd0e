"""How the main menu is laid out: a member's items on one screen, or grouped into sections with
a screen of their own once they are too many to read on a phone (an admin has two dozen).

A screen's numbers never shift: a pending draft is offered as 0, above the items (see
``Engine``), and a section shows its own items numbered from 1 with "back" last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from conversations.fields import ChoiceOption
from conversations.i18n import N_

MENU = "menu"
HELP_ITEM = "help"
RESUME_ITEM = "resume"
MAIN_ITEM = "main"
SECTION_PREFIX = "section:"
# About what a small screen shows without scrolling.
MAX_SCREEN_ITEMS = 8

HELP = ChoiceOption(HELP_ITEM, N_("menu.help"), ("tro giup", "huong dan", "help"))
BACK_TO_MAIN = ChoiceOption(
    MAIN_ITEM, N_("menu.main"), ("quay lai", "menu chinh", "ve menu", "back", "main menu")
)


@dataclass(frozen=True)
class MenuSection:
    """Items shown on a screen of their own when the whole menu is too long for one."""

    id: str
    title: str
    items: tuple[str, ...]


MenuEntry = str | MenuSection


@dataclass(frozen=True)
class MenuScreen:
    """One screen of the menu: its options in order and the ref its buttons carry."""

    ref: str
    options: tuple[ChoiceOption, ...]
    section: MenuSection | None = None


def flat_items(entries: Sequence[MenuEntry]) -> list[str]:
    """Every flow of the menu, in menu order."""
    names: list[str] = []
    for entry in entries:
        names.extend(entry.items if isinstance(entry, MenuSection) else (entry,))
    return names


def section_of(ref: str | None) -> str | None:
    """The section a menu button's ref names ("menu:admin"), None for the main screen."""
    return (ref or "").partition(":")[2] or None


def menu_screen(
    entries: Sequence[MenuEntry],
    allowed: Callable[[str], bool],
    title_of: Callable[[str], str],
    section_id: str | None,
) -> MenuScreen:
    """The screen a member sees: the section ``section_id`` or the main screen, with only
    the items they may use. A section holding one such item shows it on the main screen."""

    def item(name: str) -> ChoiceOption:
        return ChoiceOption(name, title_of(name))

    items = [name for name in flat_items(entries) if allowed(name)]
    if len(items) + 1 <= MAX_SCREEN_ITEMS:
        return MenuScreen(MENU, (*map(item, items), HELP))
    sections = {entry.id: entry for entry in entries if isinstance(entry, MenuSection)}
    section = sections.get(section_id or "")
    if section is not None:
        shown = [name for name in section.items if allowed(name)]
        if len(shown) > 1:
            return MenuScreen(f"{MENU}:{section.id}", (*map(item, shown), BACK_TO_MAIN), section)
    options: list[ChoiceOption] = []
    for entry in entries:
        if isinstance(entry, str):
            options.extend([item(entry)] if allowed(entry) else [])
            continue
        shown = [name for name in entry.items if allowed(name)]
        if len(shown) == 1:
            options.append(item(shown[0]))
        elif shown:
            options.append(ChoiceOption(SECTION_PREFIX + entry.id, entry.title))
    return MenuScreen(MENU, (*options, HELP))
