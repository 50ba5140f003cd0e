"""The forms of commendation (data, per province) and the choice of one: the vocabulary the
commendations and a tip's thread (a sender invited to be commended) share.

The forms' data file stays beside the commendations (``conversations/commendations/
forms.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from conversations.calendar import province_code
from conversations.choosing import pick_item
from conversations.fields import Accepted, Field, FieldContext
from conversations.i18n import N_
from conversations.policy import Action, scopes
from conversations.replies import Choices, Inbound, Option, Reply

FORMS_FILE = Path(__file__).with_name("commendations") / "forms.json"
MAX_ACHIEVEMENT = 1000


@dataclass(frozen=True)
class CommendationForm:
    """A form of commendation: its key, its label (a catalogue key) and who decides it."""

    key: str
    label: str
    level: str  # commune | province | ministry


# The labels of the default forms (forms.json names them; a province's own list may too).
FORM_LABELS = (
    N_("commendation.form.giay_khen_chu_tich_xa"),
    N_("commendation.form.giay_khen_giam_doc_cong_an_tinh"),
    N_("commendation.form.bang_khen_chu_tich_tinh"),
    N_("commendation.form.bang_khen_bo_truong"),
)


class BadForms(ValueError):
    """The forms' data file is not what it must be."""


def parse_forms(
    document: Mapping[str, object], *, needs_default: bool = True
) -> dict[str, tuple[CommendationForm, ...]]:
    """The forms of each province ("default" for the others) from the data file's content
    (a province's own file may leave "default" out: the shipped one stays)."""
    parsed: dict[str, tuple[CommendationForm, ...]] = {}
    for province, entries in document.items():
        if province == "about":
            continue
        if not isinstance(entries, list) or not entries:
            raise BadForms(f"{province}: a list of forms, at least one")
        try:
            parsed[province] = tuple(
                CommendationForm(str(entry["key"]), str(entry["label"]), str(entry["level"]))
                for entry in entries
            )
        except (KeyError, TypeError):
            raise BadForms(f"{province}: each form has a key, a label and a level") from None
    if needs_default and "default" not in parsed:
        raise BadForms("the forms name no 'default' list")
    return parsed


# A province's own forms (the setting ``ANTQ_COMMENDATION_FORMS_FILE``, a file shaped like
# forms.json): its lists replace the shipped ones for the provinces it names, as a province's
# own thresholds replace the plan's (conversations.targets). The settings name it at start.
_OWN_FORMS: dict[str, Path | None] = {"file": None}


@cache
def all_forms(
    file: Path = FORMS_FILE, own: Path | None = None
) -> dict[str, tuple[CommendationForm, ...]]:
    forms = parse_forms(json.loads(file.read_text(encoding="utf-8")))
    if own is not None:
        try:
            document = json.loads(own.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise BadForms(f"{own}: {error}") from None
        if not isinstance(document, dict):
            raise BadForms(f"{own}: an object of province code → list of forms")
        forms.update(parse_forms(document, needs_default=False))
    return forms


def use_forms_file(own: Path | None) -> None:
    """Make a province's own forms the ones in force (None: the shipped ones only); a bad
    file is refused here, with its reason."""
    if own is not None:
        all_forms(own=own)
    _OWN_FORMS["file"] = own


def forms_in_force() -> dict[str, tuple[CommendationForm, ...]]:
    return all_forms(own=_OWN_FORMS["file"])


def forms_of(place_path: str) -> tuple[CommendationForm, ...]:
    """The forms a place's province offers (its own list, or the default one)."""
    forms = forms_in_force()
    return forms.get(province_code(place_path) or "", forms["default"])


def form_label(key: str, place_path: str) -> str:
    """The catalogue key of a form's label; the key itself for a form no longer listed."""
    for form in (*forms_of(place_path), *forms_in_force()["default"]):
        if form.key == key:
            return form.label
    return key


# -- the choice of a form ---------------------------------------------------------------------


def offered_forms(ctx: FieldContext, action: Action) -> tuple[CommendationForm, ...]:
    """The forms of the province of the member's first place where they may do ``action``
    (an admin proposing; an officer inviting a tip's sender)."""
    places = scopes(ctx.roles, action)
    return forms_of(places[0].path) if places else ()


def _form_option(form: CommendationForm) -> str:
    return f"form:{form.key}"


class FormChoice(Field):
    """One of the province's forms of commendation, by tap, number or name."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        forms = offered_forms(ctx, self.action)
        options = tuple(Option(_form_option(f), ctx.t(f.label)) for f in forms)
        return Choices(text, options, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        forms = offered_forms(ctx, self.action)
        form = pick_item(message, forms, _form_option, label=lambda f: ctx.t(f.label))
        return Accepted({"key": form.key, "label": form.label})

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ctx.t(value["label"]) if isinstance(value, dict) else ""
