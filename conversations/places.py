"""The area tree's vocabulary: kinds of places and the materialised path that places them.

Provinces and communes come from the official list; below a commune live the residential
areas (thôn, xóm, bản, ấp, tổ dân phố, khu phố, khối) that admins add, to any depth. A place's
``path`` lists the codes from the root, "/40/17662/17662-001/", so "is X inside Y" is a
string prefix test.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from conversations.i18n import N_
from conversations.parsing import fold

PROVINCE = "province"
COMMUNE = "commune"
# The most households one residential area may hold (a bigger figure is a typing slip).
MAX_HOUSEHOLDS = 100_000


@dataclass(frozen=True)
class PlaceKind:
    """A kind of residential area: its stored id, label key and the words people write."""

    id: str
    label: str
    words: tuple[str, ...]


RESIDENTIAL_KINDS = (
    PlaceKind("thon", N_("area.kind.thon"), ("thon", "lang")),
    PlaceKind("xom", N_("area.kind.xom"), ("xom",)),
    PlaceKind("ban", N_("area.kind.ban"), ("ban", "buon", "plei")),
    PlaceKind("ap", N_("area.kind.ap"), ("ap",)),
    PlaceKind("to_dan_pho", N_("area.kind.to_dan_pho"), ("to dan pho", "tdp", "to")),
    PlaceKind("khu_pho", N_("area.kind.khu_pho"), ("khu pho", "kp", "khu")),
    # The urban residential area of Nghệ An's towns and wards ("Khối 5, phường ...").
    PlaceKind("khoi", N_("area.kind.khoi"), ("khoi",)),
)
RESIDENTIAL = frozenset(kind.id for kind in RESIDENTIAL_KINDS)
KIND_LABELS = {
    PROVINCE: N_("area.kind.province"),
    COMMUNE: N_("area.kind.commune"),
    **{kind.id: kind.label for kind in RESIDENTIAL_KINDS},
}
# The movement's agencies, businesses and schools ("units"), places beside the residential
# areas: below a commune, or below the province for a provincial body.
AGENCY, BUSINESS, SCHOOL = "agency", "business", "school"
UNIT_KINDS = (
    PlaceKind(AGENCY, N_("unit.kind.agency"), ("co quan", "agency")),
    PlaceKind(BUSINESS, N_("unit.kind.business"), ("doanh nghiep", "cong ty", "business")),
    PlaceKind(SCHOOL, N_("unit.kind.school"), ("co so giao duc", "truong", "school")),
)
UNITS = frozenset(kind.id for kind in UNIT_KINDS)
KIND_LABELS.update({kind.id: kind.label for kind in UNIT_KINDS})
_KIND_WORDS = {fold(word): kind.id for kind in RESIDENTIAL_KINDS for word in (*kind.words, kind.id)}


# The words a place's name may start with that say its kind, not which one it is.
_KIND_PREFIXES = tuple(
    sorted(
        {"xa", "phuong", "dac khu", "thi tran", "tinh", "thanh pho", "tp"}
        | {fold(word) for kind in RESIDENTIAL_KINDS for word in kind.words},
        key=len,
        reverse=True,
    )
)


def bare_name(text: str) -> str:
    """A name folded and without its kind: "Phường An Bình", "an binh" → "an binh"."""
    folded = " ".join(fold(text).split())
    for prefix in _KIND_PREFIXES:
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return folded[len(prefix) + 1 :]
    return folded


def same_name(query: str, place: Place) -> bool:
    """True when ``query`` is the place's whole name (accents and its kind optional), not a
    part of another name ("an binh" is Phường An Bình, not Tân Bình)."""
    wanted = bare_name(query)
    return wanted in (bare_name(place.name), fold(place.name))


def split_by_name(query: str, places: list[Place]) -> tuple[list[Place], list[Place]]:
    """The places found for ``query``: those of the very name first, then the similar."""
    exact = [place for place in places if same_name(query, place)]
    return exact, [place for place in places if place not in exact]


def parse_residential_kind(text: str) -> str | None:
    """The kind id for "thôn", "Tổ dân phố", "TDP", "to_dan_pho" ...; None when unknown."""
    folded = fold(text.replace("_", " "))
    return _KIND_WORDS.get(folded) or _KIND_WORDS.get(folded.replace(" ", "_"))


def root_path(code: str) -> str:
    return f"/{code}/"


def child_path(parent_path: str, code: str) -> str:
    return f"{parent_path}{code}/"


def ancestor_paths(path: str) -> list[str]:
    """The paths of a place and of every place above it: "/40/17662/" → ["/40/", "/40/17662/"]."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


def commune_path(path: str) -> str | None:
    """The path of the commune a place lies in (province > commune > ...): its first two
    codes, "/40/17662/"; None above a commune."""
    # The usual "/40/17662/…/" without building a list (this runs once per area).
    second = path.find("/", path.find("/", 1) + 1)
    if path.startswith("/") and second > 0 and "//" not in path[: second + 1]:
        return path[: second + 1]
    codes = [code for code in path.split("/") if code]
    return f"/{codes[0]}/{codes[1]}/" if len(codes) >= 2 else None


def is_inside(path: str, ancestor_path: str) -> bool:
    """True when the place at ``path`` is ``ancestor_path`` itself or lies below it."""
    return bool(path) and bool(ancestor_path) and path.startswith(ancestor_path)


def outermost(places: Iterable[Place]) -> list[Place]:
    """The places not inside another of them, so that nested roles count nothing twice."""
    unique = {place.path: place for place in places}
    return [
        place
        for path, place in sorted(unique.items())
        if not any(other != path and is_inside(path, other) for other in unique)
    ]


@dataclass(frozen=True)
class Place:
    """A place as conversations show and check it."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    parent_name: str | None = None

    @property
    def full_name(self) -> str:
        """The name with its parent's ("Thôn Đông, Xã Đô Lương"), to tell namesakes apart."""
        return f"{self.name}, {self.parent_name}" if self.parent_name else self.name


class PlaceReads(Protocol):
    """Finding places of the area tree (every feature picks places through these)."""

    async def place_by_code(self, code: str) -> Place | None:
        """The place with this official or given code."""
        ...

    async def find_places(
        self, query: str, *, within: str | None, kinds: frozenset[str] | None, limit: int
    ) -> list[Place]:
        """Places whose name contains ``query`` (accents optional), best matches first."""
        ...
