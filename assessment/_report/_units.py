"""What a report is about: the organisation, or one team, role or department (a *unit*)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from .._confidentiality._groups import ORGANISATION_GROUP
from .._exceptions import ParameterError
from .._i18n._report import report_translator, role_name
from .._model._schema import _ID as ROLE_ID
from .._model._schema import KNOWN_ROLES, MaturityModel

__all__ = ["UNIT_KINDS", "Unit", "UnitKind", "parse_unit", "unit_slug"]

UnitKind = Literal["organisation", "team", "role", "department"]
#: What a report can be about.
UNIT_KINDS: Final = ("organisation", "team", "role", "department")


@dataclass(frozen=True)
class Unit:
    """What a report covers: the whole organisation, or one team, role or department."""

    kind: UnitKind
    name: str = ORGANISATION_GROUP

    @property
    def parameter(self) -> str:
        """The notebook's ``unit`` parameter for this unit."""
        return "organisation" if self.kind == "organisation" else f"{self.kind}:{self.name}"

    @property
    def slug(self) -> str:
        """A file-name-safe, unique name for this unit (see :func:`unit_slug`)."""
        return unit_slug(self.parameter)

    def label(self, language: str, model: MaturityModel | None = None) -> str:
        """The unit as the report's subtitle names it (the name is not escaped here); a
        role by the ``model``'s name for it when it has one."""
        _ = report_translator(language).gettext
        if self.kind == "organisation":
            return _("Whole organisation")
        if self.kind == "role":
            named = model.role_label(self.name, language) if model is not None else None
            return _("Role: %(name)s", name=named or role_name(language, self.name))
        if self.kind == "team":
            return _("Team: %(name)s", name=self.name)
        return _("Department: %(name)s", name=self.name)


def parse_unit(unit: str) -> Unit:
    """Parse the ``unit`` parameter: ``organisation``, ``team:NAME``, ``role:NAME`` or
    ``department:NAME``; raise :class:`ParameterError` naming the bad value."""
    if not isinstance(unit, str):
        raise ParameterError(f"unit: must be a string, got {unit!r}")
    if unit.strip() == "organisation":
        return Unit("organisation")
    kind, sep, name = unit.partition(":")
    kind = kind.strip()
    if not sep or kind not in UNIT_KINDS[1:] or not name.strip():
        raise ParameterError(
            f"unit: {unit!r} is not a unit; use 'organisation', 'team:NAME', 'role:NAME' or "
            "'department:NAME'"
        )
    if kind == "role" and not re.fullmatch(ROLE_ID, name.strip()):
        raise ParameterError(
            f"unit: {unit!r} names no role; a role is an id of the model's roles, such as "
            f"{', '.join(KNOWN_ROLES)}"
        )
    return Unit(kind, name.strip() if kind == "role" else name)  # type: ignore[arg-type]


def unit_slug(unit: str) -> str:
    """Return a safe file-name stem for a ``unit`` parameter.

    ``organisation`` stays as it is; ``team:Customer Care Kyiv`` becomes
    ``team-customer-care-kyiv-<8 hex digits of its SHA-256>``: ASCII letters and digits only
    (so no name a user typed can reach the file system raw), unique thanks to the hash.
    """
    parsed = parse_unit(unit)
    if parsed.kind == "organisation":
        return "organisation"
    ascii_name = unicodedata.normalize("NFKD", parsed.name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha256(parsed.parameter.encode("utf-8")).hexdigest()[:8]
    return "-".join(part for part in (parsed.kind, words, digest) if part)
