"""The report's own words (the model supplies the rest): the ``report`` domain.

The English msgids are in :mod:`assessment._report` (Python and the Jinja2 templates) and
translated by the catalogues ``locale/<language>/LC_MESSAGES/report.po``
(:mod:`._catalogues`). Texts typed by users (team names, comments) are never part of these
strings: they fill a placeholder, and the template escapes the whole text.
"""

from __future__ import annotations

from typing import Final

from ._catalogues import N_, Translator, interface_languages, translator

__all__ = [
    "MEASURE_NAMES",
    "REPORT_DOMAIN",
    "REPORT_LANGUAGES",
    "report_translator",
    "role_name",
    "role_phrase",
]

REPORT_DOMAIN: Final = "report"
#: Languages a report can be written in: English and every language with catalogues.
REPORT_LANGUAGES: Final = interface_languages()

#: The layers of the organisation as the report's tables and charts name them.
_ROLE_NAMES: Final = {
    "executive": N_("Executives"),
    "manager": N_("Managers"),
    "frontline": N_("Frontline"),
}
#: The layers as the answers section quotes them ("Questions are quoted as put to ...").
_ROLE_PHRASES: Final = {
    # TRANSLATORS: completes "Questions are quoted as put to %(role)s." (use its case).
    "executive": N_("executives"),
    # TRANSLATORS: completes "Questions are quoted as put to %(role)s." (use its case).
    "manager": N_("managers"),
    # TRANSLATORS: completes "Questions are quoted as put to %(role)s." (use its case).
    "frontline": N_("frontline staff"),
}
#: What the outcome questions measure (the trifecta and customer advocacy).
MEASURE_NAMES: Final = {
    "operational_excellence": N_("Operational excellence"),
    "customer_experience": N_("Customer experience"),
    "employee_engagement": N_("Employee engagement"),
    "customer_advocacy": N_("Customer advocacy"),
}


def report_translator(language: str) -> Translator:
    """The report's words in ``language`` (a report language)."""
    return translator(REPORT_DOMAIN, language)


def role_name(language: str, role: str) -> str:
    """The name of a layer of the organisation (the role id if it has no name)."""
    name = _ROLE_NAMES.get(role)
    return report_translator(language).gettext(name) if name else role


def role_phrase(language: str, role: str) -> str:
    """The layer as the answers section quotes it (the role id if it has no phrase)."""
    phrase = _ROLE_PHRASES.get(role)
    return report_translator(language).gettext(phrase) if phrase else role
