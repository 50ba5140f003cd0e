"""Message catalogues: gettext ``.po`` files under ``locales/``, compiled with Babel at start-up.

Every user-facing string is a catalogue key (``tip.ask.category``) translated per member locale.
Keys are marked with ``N_`` in code so that a test can extract them all and check that both
catalogues translate each one.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "antq"
DEFAULT_LOCALE = "vi"
SUPPORTED_LOCALES = ("vi", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def N_(key: str) -> str:
    """Mark a catalogue key for extraction; returns it unchanged."""
    return key


@dataclass(frozen=True)
class Catalogues:
    """The compiled translations of every supported locale."""

    translations: dict[str, gettext.GNUTranslations]

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalogues:
        """Compile ``<directory>/<locale>/LC_MESSAGES/antq.po`` for every supported locale."""
        translations: dict[str, gettext.GNUTranslations] = {}
        for locale in SUPPORTED_LOCALES:
            po_path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=locale)
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
