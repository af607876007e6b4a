"""The catalogues' check: the code's messages and the catalogues agree, and every catalogue is
complete. ``python -m assessment._i18n._check`` (the last step of ``make translations``) prints
each problem and exits 1; the tests run the same check.

It extracts the messages from the sources as ``pybabel extract -F babel.cfg`` does and finds:
a message of the code missing from its template (``<domain>.pot``) or from a language's
catalogue, an entry no longer in the code, an untranslated or fuzzy message, a plural
message without every plural form of its language (CLDR's, as Babel knows them: three in
Russian and Ukrainian), placeholders that differ from the English, a translation that is not
a valid ``%`` format, and a catalogue whose ``Plural-Forms`` are not its language's. Needs a
source checkout (``babel.cfg`` beside ``assessment/``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

__all__ = ["DOMAIN_SOURCES", "check_catalogues", "extract_messages", "main", "placeholders"]

#: Where each domain's messages are, relative to the repository (as ``make translations``).
DOMAIN_SOURCES: Final = {
    "form": ("assessment/_form", "assessment/_i18n/_form.py"),
    "report": ("assessment/_report", "assessment/_explore", "assessment/_i18n/_report.py"),
}
_LOCALE: Final = "assessment/_i18n/locale"
_PLACEHOLDER: Final = re.compile(r"%\((\w+)\)[sd]")
#: A message: its context (None) and msgid, with the plural msgid (or None).
Key = tuple[str | None, str]


def placeholders(message: str) -> set[str]:
    """The ``%(name)s`` placeholders of a message."""
    return set(_PLACEHOLDER.findall(message))


def _mapping(root: Path) -> tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]:
    """The extraction methods and options of ``babel.cfg``."""
    from babel.messages.frontend import parse_mapping_cfg

    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        mapping: tuple[list[tuple[str, str]], dict[str, dict[str, Any]]] = (
            parse_mapping_cfg(fh)  # type: ignore[no-untyped-call]
        )
    return mapping


def extract_messages(root: Path, domain: str) -> dict[Key, str | None]:
    """The messages the sources of ``domain`` mark (msgid -> plural msgid or None), as
    ``pybabel extract -F babel.cfg`` finds them."""
    from babel.messages.extract import extract_from_dir, extract_from_file
    from babel.util import pathmatch

    method_map, options_map = _mapping(root)
    found: list[tuple[Any, str | None]] = []
    for source in DOMAIN_SOURCES[domain]:
        path = root / source
        if path.is_dir():
            for _, _, message, _, context in extract_from_dir(path, method_map, options_map):
                found.append((message, context))
        else:
            method = next(m for pattern, m in method_map if pathmatch(pattern, path.name))
            for _, message, _, context in extract_from_file(method, path):
                found.append((message, context))
    messages: dict[Key, str | None] = {}
    for message, context in found:
        if isinstance(message, tuple):
            messages[(context, message[0])] = message[1]
        else:
            messages.setdefault((context, message), None)
    return messages


def _read(path: Path, locale: str | None = None) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _entries(catalog: Any) -> dict[Key, Any]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}


def _template_problems(name: str, code: dict[Key, str | None], template: Any) -> list[str]:
    problems = []
    entries = _entries(template)
    for (context, msgid), plural in code.items():
        entry = entries.get((context, msgid))
        if entry is None:
            problems.append(f"{name}: missing {msgid!r} (run make translations)")
        elif (entry.id[1] if isinstance(entry.id, tuple) else None) != plural:
            problems.append(f"{name}: the plural of {msgid!r} differs from the code's")
    for _context, msgid in entries.keys() - code.keys():
        problems.append(f"{name}: {msgid!r} is no longer in the code (run make translations)")
    for (_context, msgid), plural in code.items():
        if plural is not None and placeholders(plural) != placeholders(msgid):
            problems.append(f"{name}: {msgid!r} and its plural have different placeholders")
    return problems


def _message_problems(name: str, entry: Any, nplurals: int) -> list[str]:
    """What is wrong with one translated entry of a catalogue."""
    msgid = entry.id if isinstance(entry.id, str) else entry.id[0]
    english = entry.id if isinstance(entry.id, str) else entry.id[1]
    if entry.fuzzy:
        return [f"{name}: {msgid!r} is fuzzy: check the translation, then remove the flag"]
    forms = list(entry.string) if isinstance(entry.string, tuple) else [entry.string]
    if isinstance(entry.id, tuple) and len(forms) != nplurals:
        return [f"{name}: {msgid!r} has {len(forms)} plural forms, the language has {nplurals}"]
    problems = []
    for i, form in enumerate(forms):
        which = f"{msgid!r}" + (f" (plural form {i})" if isinstance(entry.id, tuple) else "")
        if not form.strip():
            problems.append(f"{name}: {which} is not translated")
            continue
        if placeholders(form) != placeholders(english):
            problems.append(
                f"{name}: {which} has the placeholders {sorted(placeholders(form))}, the "
                f"English {sorted(placeholders(english))}"
            )
            continue
        try:
            form % dict.fromkeys(placeholders(form), "")
        except (ValueError, TypeError, KeyError):
            problems.append(f"{name}: {which} is not a valid %-format (write a percent sign %%)")
    return problems


def _catalogue_problems(name: str, language: str, template: Any, catalog: Any) -> list[str]:
    from babel.core import UnknownLocaleError
    from babel.messages.plurals import get_plural

    try:
        rule = get_plural(language)
    except UnknownLocaleError:
        return [f"{name}: Babel knows no locale {language!r} (name the folder by its code)"]
    problems = []
    if (catalog.num_plurals, catalog.plural_expr) != (rule.num_plurals, rule.plural_expr):
        problems.append(f"{name}: Plural-Forms must be {rule.plural_forms!r}")
    wanted, present = _entries(template), _entries(catalog)
    for key in wanted.keys() - present.keys():
        problems.append(f"{name}: missing {key[1]!r} (run make translations)")
    for key in present.keys() - wanted.keys():
        problems.append(f"{name}: {key[1]!r} is no longer used: remove it (make translations)")
    problems += [f"{name}: obsolete entry {m.id!r}: remove it" for m in catalog.obsolete.values()]
    for key in sorted(wanted.keys() & present.keys(), key=str):
        problems += _message_problems(name, present[key], rule.num_plurals)
    return problems


def check_catalogues(root: Path) -> list[str]:
    """Every problem of the catalogues of the repository at ``root`` (none: all is well)."""
    locale = root / _LOCALE
    problems: list[str] = []
    templates = {}
    for domain in DOMAIN_SOURCES:
        pot = locale / f"{domain}.pot"
        if not pot.is_file():
            problems.append(f"{pot.relative_to(root)}: missing (run make translations)")
            continue
        templates[domain] = _read(pot)
        problems += _template_problems(
            f"{pot.relative_to(root)}", extract_messages(root, domain), templates[domain]
        )
    for folder in sorted(p for p in locale.iterdir() if p.is_dir()):
        for domain, template in templates.items():
            po = folder / "LC_MESSAGES" / f"{domain}.po"
            name = str(po.relative_to(root))
            if not po.is_file():
                problems.append(f"{name}: missing (copy {domain}.pot there and translate it)")
                continue
            problems += _catalogue_problems(name, folder.name, template,
                                            _read(po, locale=folder.name))
    return problems


def _report(problems: Iterable[str]) -> int:
    listed = list(problems)
    for problem in listed:
        print(problem, file=sys.stderr)
    return 1 if listed else 0


def main() -> int:
    """Check the catalogues of this checkout; print each problem; 1 if there is one."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "babel.cfg").is_file():
        print(f"no babel.cfg in {root}: the check needs a source checkout", file=sys.stderr)
        return 2
    code = _report(check_catalogues(root))
    if code == 0:
        print("the catalogues are complete and agree with the code")
    return code


if __name__ == "__main__":
    sys.exit(main())
