"""The movement's year in memory: registrations for the standard, for flow tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.effects import Effect
from conversations.movement_year import RegisterForStandard, RegistrationView, ShowStanding


@dataclass
class MemoryYearRecords:
    registrations: dict[tuple[int, int], RegistrationView] = field(default_factory=dict)
    registered: list[RegisterForStandard] = field(default_factory=list)
    standings_shown: list[ShowStanding] = field(default_factory=list)

    async def registration(self, area_id: int, year: int) -> RegistrationView | None:
        return self.registrations.get((area_id, year))

    def apply(self, effect: Effect) -> None:
        if isinstance(effect, RegisterForStandard):
            self.registered.append(effect)
            self.registrations[(effect.area_id, effect.year)] = RegistrationView(
                effect.area_id, effect.year, effect.households, effect.registered_on
            )
        elif isinstance(effect, ShowStanding):
            self.standings_shown.append(effect)
