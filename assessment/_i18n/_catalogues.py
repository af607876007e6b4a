"""The interface's gettext catalogues: one ``.po`` per language and domain, read at run time.

The form's and the report's own words are English source strings (the msgids) marked in the
code with ``_()``, ``gettext()``, ``ngettext()`` or ``N_()`` and in the report's templates
with ``_()`` and ``ngettext()``; ``pybabel extract`` collects them into a template per
domain (``locale/form.pot``, ``locale/report.pot``) and every other language has its
translation in ``locale/<language>/LC_MESSAGES/<domain>.po`` (docs/translating.md). The
languages of the interface are English and every language with a catalogue for each domain:
adding a language is adding files, not code.

A catalogue is parsed with Babel on first use (the ``.po`` is the only file: nothing to
compile at build time) and kept for the process. Every message is a Python ``%`` format
string: placeholders are ``%(name)s`` and a literal percent sign is ``%%``.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Final

__all__ = [
    "DOMAINS",
    "LOCALE_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "Translator",
    "catalogue_path",
    "interface_languages",
    "missing_catalogues",
    "translator",
]

#: Where the templates (``<domain>.pot``) and the catalogues (``<lang>/LC_MESSAGES``) are.
LOCALE_DIR: Final = Path(__file__).parent / "locale"
#: The language of the msgids: it needs no catalogue.
SOURCE_LANGUAGE: Final = "en"
#: The form's words and the report's words (the report's include the batch's index page).
DOMAINS: Final = ("form", "report")


def N_(message: str) -> str:
    """Mark ``message`` for extraction where it is translated later (a table of labels)."""
    return message


def catalogue_path(language: str, domain: str) -> Path:
    """The ``.po`` file of ``domain`` in ``language`` (which may not exist)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


@cache
def interface_languages() -> tuple[str, ...]:
    """English, then every language with a catalogue for each domain (sorted by code)."""
    found = sorted(
        folder.name for folder in LOCALE_DIR.iterdir()
        if folder.is_dir() and all(catalogue_path(folder.name, d).is_file() for d in DOMAINS)
    )
    return (SOURCE_LANGUAGE, *found)


def missing_catalogues(language: str) -> list[str]:
    """The domains without a catalogue in ``language`` (none for an interface language)."""
    if language in interface_languages():
        return []
    known = {folder.name: folder for folder in LOCALE_DIR.iterdir() if folder.is_dir()}
    folder = known.get(language)  # never a path built from the (untrusted) language code
    return [d for d in DOMAINS
            if folder is None or not (folder / "LC_MESSAGES" / f"{d}.po").is_file()]


class Translator:
    """The messages of one domain in one language.

    ``gettext`` and ``ngettext`` return the translation (the English msgid when the
    catalogue lacks it; a test keeps every catalogue complete) with its ``%(name)s``
    placeholders filled from the keyword arguments. ``ngettext`` picks the plural form for
    the whole number ``n`` by the catalogue's CLDR rule (three forms in Russian and
    Ukrainian). The text is plain: whoever puts it in HTML escapes it.
    """

    def __init__(self, domain: str, language: str, translations: gettext.NullTranslations):
        self.domain = domain
        self.language = language
        #: The standard gettext object (what Jinja2's or ipywidgets' callers may want).
        self.translations = translations

    def gettext(self, message: str, /, **values: object) -> str:
        """Translate ``message`` and fill in its placeholders."""
        return self.translations.gettext(message) % values

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """Translate the form of ``singular``/``plural`` for the count ``n``, filled in."""
        return self.translations.ngettext(singular, plural, n) % values

    def __repr__(self) -> str:
        return f"<Translator {self.domain} {self.language}>"


def _read(domain: str, language: str) -> gettext.NullTranslations:
    """Parse a ``.po`` with Babel into a gettext object (through an in-memory ``.mo``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(language, domain).open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out: they fall back to English
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def translator(domain: str, language: str) -> Translator:
    """The translator of ``domain`` in ``language``, read once per process.

    Raises :class:`LookupError` for a language without a catalogue.
    """
    if domain not in DOMAINS:
        raise LookupError(f"{domain!r} is not an interface domain ({', '.join(DOMAINS)})")
    if language == SOURCE_LANGUAGE:
        return Translator(domain, language, gettext.NullTranslations())
    if language not in interface_languages():
        raise LookupError(
            f"{language!r} has no interface catalogue; the languages are "
            f"{', '.join(interface_languages())}"
        )
    return Translator(domain, language, _read(domain, language))
