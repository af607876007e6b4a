"""Organisations and engagements: each engagement keeps the exact model text it is scored with."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .._confidentiality._thresholds import (
    DEFAULT_MIN_COMMENT_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    SMALLEST_MIN_GROUP_SIZE,
    check_min_group_size,
)
from .._exceptions import NotFoundError, ParameterError
from .._model._load import load_model_text
from .._model._schema import MaturityModel
from ._connection import StoreBase, _now

ENGAGEMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: Parsed models shared by every store of the process, by the SHA-256 of their text: parsing
#: costs about 300 ms and 600 KB, and the questionnaire server opens a store per session.
#: Models are frozen, so sharing one is safe; the oldest entry goes past the limit.
_PARSED: dict[bytes, MaturityModel] = {}
_PARSED_LIMIT = 8


def _parse_model(source: str, where: str) -> MaturityModel:
    """Return the model of ``source``, parsed once per process (see :data:`_PARSED`)."""
    key = hashlib.sha256(source.encode("utf-8")).digest()
    model = _PARSED.get(key)
    if model is None:
        model = load_model_text(source, where)
        while len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.pop(next(iter(_PARSED)), None)
        _PARSED[key] = model
    return model


@dataclass(frozen=True)
class Organisation:
    """A client organisation."""

    id: int
    name: str

    def _repr_html_(self) -> str:
        from .._display._cards import card

        return card("Organisation", [("Name", self.name)])


@dataclass(frozen=True)
class Engagement:
    """One assessment wave of an organisation, on one model version."""

    id: str
    organisation: str
    wave: str
    date: str
    model_id: str
    model_version: str
    min_group_size: int
    #: Languages offered to respondents; the first is the default.
    languages: tuple[str, ...] = ("en",)
    #: The smallest group whose free-text comments may be shown (never below min_group_size).
    min_comment_group_size: int = DEFAULT_MIN_COMMENT_GROUP_SIZE

    def _repr_html_(self) -> str:
        """A small card: the engagement's settings, one per line."""
        from .._display._cards import card

        return card(f"Engagement {self.id}", [
            ("Organisation", self.organisation), ("Wave", self.wave), ("Date", self.date),
            ("Model", f"{self.model_id} {self.model_version}"),
            ("Minimum group size", self.min_group_size),
            ("Comments from groups of", self.min_comment_group_size),
            ("Languages", self.languages),
        ])


class EngagementTables(StoreBase):
    """Organisations and engagements, their models and revisions."""

    _ENGAGEMENT_SQL = (
        "SELECT e.id, o.name, e.wave, e.date, e.model_id, e.model_version, e.min_group_size, "
        "e.languages, e.min_comment_group_size "
        "FROM engagements e JOIN organisations o ON o.id = e.organisation_id"
    )

    def create_organisation(self, name: str) -> Organisation:
        """Create an organisation; its name must be new."""
        clean = name.strip()
        if not clean:
            raise ParameterError("organisation name: must not be empty")
        with self.transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO organisations (name, created_at) VALUES (?, ?)", (clean, _now())
                )
            except sqlite3.IntegrityError as exc:
                raise ParameterError(f"organisation {clean!r} already exists") from exc
        return Organisation(int(cur.lastrowid or 0), clean)

    def organisations(self) -> list[Organisation]:
        """Return every organisation, by name."""
        rows = self._conn.execute("SELECT id, name FROM organisations ORDER BY name").fetchall()
        return [Organisation(int(i), str(n)) for i, n in rows]

    def organisation(self, name: str) -> Organisation:
        """Return the organisation called ``name``."""
        row = self._conn.execute(
            "SELECT id, name FROM organisations WHERE name = ?", (name.strip(),)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no organisation {name!r}; create it with `assessment org create`"
            )
        return Organisation(int(row[0]), str(row[1]))

    def create_engagement(
        self,
        engagement_id: str,
        organisation: str,
        model_source: str,
        *,
        wave: str | None = None,
        on: date | None = None,
        min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
        languages: Sequence[str] | None = None,
        min_comment_group_size: int | None = None,
    ) -> Engagement:
        """Create an engagement of ``organisation`` on the model given as YAML text.

        The model text is stored in the workspace, so later runs score and report with
        exactly the model version the engagement was created with. Comments are shown only
        for groups of at least ``min_comment_group_size`` respondents (default: 10, or
        ``min_group_size`` when that is larger; never below ``min_group_size``).
        """
        if not ENGAGEMENT_ID.match(engagement_id):
            raise ParameterError(
                f"engagement id {engagement_id!r}: use 1-64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        if min_group_size < SMALLEST_MIN_GROUP_SIZE:
            raise ParameterError(
                f"min_group_size: {min_group_size} is below the floor of {SMALLEST_MIN_GROUP_SIZE}"
            )
        comment_size = check_min_group_size(
            max(DEFAULT_MIN_COMMENT_GROUP_SIZE, min_group_size)
            if min_comment_group_size is None else min_comment_group_size,
            "min_comment_group_size",
        )
        if comment_size < min_group_size:
            raise ParameterError(
                f"min_comment_group_size: {comment_size} must be at least min_group_size "
                f"({min_group_size})"
            )
        model = load_model_text(model_source)
        offered = list(languages or model.languages)
        unknown = [lang for lang in offered if lang not in model.languages]
        if unknown or not offered:
            raise ParameterError(
                f"languages: {', '.join(unknown) or 'none given'}; model {model.id} offers "
                f"{', '.join(model.languages)}"
            )
        org = self.organisation(organisation)
        when = (on or date.today()).isoformat()
        with self.transaction() as conn:
            stored = conn.execute(
                "SELECT source FROM models WHERE id = ? AND version = ?", (model.id, model.version)
            ).fetchone()
            if stored is None:
                conn.execute(
                    "INSERT INTO models (id, version, source) VALUES (?, ?, ?)",
                    (model.id, model.version, model_source),
                )
            elif stored[0] != model_source:
                raise ParameterError(
                    f"model {model.id} {model.version} is already stored with different content; "
                    "give the changed model a new version number"
                )
            try:
                conn.execute(
                    "INSERT INTO engagements (id, organisation_id, wave, date, model_id, "
                    "model_version, min_group_size, languages, created_at, "
                    "min_comment_group_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (engagement_id, org.id, wave or when, when, model.id, model.version,
                     min_group_size, ",".join(dict.fromkeys(offered)), _now(), comment_size),
                )
            except sqlite3.IntegrityError as exc:
                raise ParameterError(f"engagement {engagement_id!r} already exists") from exc
        return self.engagement(engagement_id)

    @staticmethod
    def _engagement(row: tuple[Any, ...]) -> Engagement:
        eid, org, wave, on, model_id, model_version, min_size, languages, comment_size = row
        return Engagement(
            eid, org, wave, on, model_id, model_version, int(min_size),
            tuple(str(languages).split(",")), int(comment_size),
        )

    def engagement(self, engagement_id: str) -> Engagement:
        """Return the engagement with this id."""
        row = self._conn.execute(
            self._ENGAGEMENT_SQL + " WHERE e.id = ?", (engagement_id,)
        ).fetchone()
        if row is None:
            known = ", ".join(e.id for e in self.engagements()) or "none yet"
            raise NotFoundError(f"no engagement {engagement_id!r} (known: {known})")
        return self._engagement(row)

    def engagements(self, organisation: str | None = None) -> list[Engagement]:
        """Return the engagements, of one organisation or all, oldest first."""
        if organisation is None:
            rows = self._conn.execute(self._ENGAGEMENT_SQL + " ORDER BY e.date, e.id").fetchall()
        else:
            rows = self._conn.execute(
                self._ENGAGEMENT_SQL + " WHERE o.name = ? ORDER BY e.date, e.id",
                (organisation.strip(),),
            ).fetchall()
        return [self._engagement(r) for r in rows]

    def waves(self, engagement_id: str) -> list[Engagement]:
        """Return the organisation's engagements on the same model up to this one, oldest first."""
        eng = self.engagement(engagement_id)
        return [
            e for e in self.engagements(eng.organisation)
            if e.model_id == eng.model_id and (e.date, e.id) <= (eng.date, eng.id)
        ]

    def previous_wave(self, engagement_id: str) -> Engagement | None:
        """Return the organisation's wave before this one on the same model, if there is one."""
        earlier = self.waves(engagement_id)[:-1]
        return earlier[-1] if earlier else None

    def model(self, engagement_id: str) -> MaturityModel:
        """Return the model the engagement was created with."""
        eng = self.engagement(engagement_id)
        key = (eng.model_id, eng.model_version)
        if key not in self._models:
            (source,) = self._conn.execute(
                "SELECT source FROM models WHERE id = ? AND version = ?", key
            ).fetchone()
            self._models[key] = _parse_model(
                source, f"model {eng.model_id} {eng.model_version} in {self.path}"
            )
        return self._models[key]

    def revision(self, engagement_id: str) -> int:
        """Return a number that changes whenever the engagement's scores or reports may change."""
        row = self._conn.execute(
            "SELECT revision FROM revisions WHERE engagement_id = ?", (engagement_id,)
        ).fetchone()
        return int(row[0]) if row else 0
