"""The questionnaire's own words (buttons, messages, page titles): the ``form`` domain.

Questions, scales, the introduction and the confidentiality promise come from the model;
the form's own words are English msgids in :mod:`assessment._form` translated by the
catalogues ``locale/<language>/LC_MESSAGES/form.po`` (:mod:`._catalogues`).
"""

from __future__ import annotations

from typing import Final

from ._catalogues import N_, Translator, translator
from ._locale import language_name

__all__ = ["FORM_DOMAIN", "form_translator", "language_name", "role_name"]

FORM_DOMAIN: Final = "form"

#: How the form names a respondent's role ("You answer as: manager, team A.").
_ROLE_NAMES: Final = {
    # TRANSLATORS: a respondent's role, in "You answer as: %(role)s, team %(team)s."
    "executive": N_("executive"),
    # TRANSLATORS: a respondent's role (a line manager), as in "You answer as: manager".
    "manager": N_("manager"),
    # TRANSLATORS: a respondent's role (staff who serve customers directly).
    "frontline": N_("frontline employee"),
}


def form_translator(language: str) -> Translator:
    """The form's words in ``language`` (an interface language)."""
    return translator(FORM_DOMAIN, language)


def role_name(language: str, role: str) -> str:
    """Return how the form names ``role`` in ``language`` (the role id if it has no name)."""
    name = _ROLE_NAMES.get(role)
    return form_translator(language).gettext(name) if name else role
