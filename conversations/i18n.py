"""Message catalogues: gettext ``.po`` files under ``locales/``, compiled with Babel at start-up.

Each locale may hold several ``.po`` files (one per part of the bot: ``antq.po`` for the core,
``telegram.po``, ``zalo.po`` ...); they are merged, and a key defined twice is an error.

Every user-facing string is a catalogue key (``tip.ask.category``) translated per member locale.
Keys are marked with ``N_`` in code so that a test can extract them all and check that both
catalogues translate each one.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conversations.parsing.text import fold

DOMAIN = "antq"
DEFAULT_LOCALE = "vi"
SUPPORTED_LOCALES = ("vi", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def shown_number(value: int, locale: str | None) -> str:
    """A whole number as the member's language writes it: "1.500.000" in Vietnamese,
    "1,500,000" in English."""
    grouped = f"{int(value):,}"
    return grouped if locale == "en" else grouped.replace(",", ".")


def N_(key: str) -> str:
    """Mark a catalogue key for extraction; returns it unchanged."""
    return key


def catalogue_files(directory: Path, locale: str) -> list[Path]:
    """The ``.po`` files of ``locale``, the core one first."""
    return sorted(
        (directory / locale / "LC_MESSAGES").glob("*.po"),
        key=lambda path: (path.stem != DOMAIN, path.name),
    )


def merged_catalog(directory: Path, locale: str) -> Catalog:
    """All ``.po`` files of ``locale`` as one catalogue; a key defined twice raises ValueError."""
    merged = Catalog(locale=locale, domain=DOMAIN)
    for po_path in catalogue_files(directory, locale):
        with po_path.open("rb") as po_file:
            part = read_po(po_file, locale=locale)
        for message in part:
            if not message.id:
                continue  # the header
            if message.id in merged:
                raise ValueError(f"{po_path.name}: {message.id!r} is already defined")
            merged[message.id] = message
    return merged


@dataclass(frozen=True)
class Catalogues:
    """The compiled translations of every supported locale."""

    translations: dict[str, gettext.GNUTranslations]
    # ``folded_variants`` by key: the catalogues do not change once loaded.
    _folded: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalogues:
        """Compile ``<directory>/<locale>/LC_MESSAGES/*.po`` for every supported locale."""
        translations: dict[str, gettext.GNUTranslations] = {}
        for locale in SUPPORTED_LOCALES:
            catalog = merged_catalog(directory, locale)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            translations[locale] = gettext.GNUTranslations(compiled)
        return cls(translations)

    def text(self, locale: str | None, key: str, **params: object) -> str:
        """Translate ``key`` for ``locale`` (Vietnamese when unknown) and fill ``{params}``."""
        catalogue = self.translations.get(locale or DEFAULT_LOCALE)
        if catalogue is None:
            catalogue = self.translations[DEFAULT_LOCALE]
        message = catalogue.gettext(key)
        return message.format(**params) if params else message

    def variants(self, key: str) -> list[str]:
        """The translations of ``key`` in every locale (to match typed answers in any language)."""
        return [catalogue.gettext(key) for catalogue in self.translations.values()]

    def folded_variants(self, key: str) -> frozenset[str]:
        """``variants`` folded (``parsing.fold``), to match what is typed against a label: the
        same few labels are matched at most answers, so each is folded once (issue 28)."""
        folded = self._folded.get(key)
        if folded is None:
            folded = frozenset(fold(label) for label in self.variants(key))
            self._folded[key] = folded
        return folded
