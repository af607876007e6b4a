"""The store's schema: forward migrations (``PRAGMA user_version``) and revision triggers.

Migrations are applied in order, each in its own transaction, when a store is opened. Every
write to an engagement's data bumps its revision (triggers), which reports are keyed on.
"""

from __future__ import annotations


def _revision_triggers(*tables: str) -> tuple[str, ...]:
    """Triggers that bump an engagement's revision on every change to these tables."""
    return tuple(
        # Table names are this module's constants, never user input.
        f"""CREATE TRIGGER {table}_{event.lower()}_revision AFTER {event} ON {table} BEGIN
            INSERT INTO revisions (engagement_id, revision) VALUES ({row}.engagement_id, 1)
            ON CONFLICT (engagement_id) DO UPDATE SET revision = revision + 1;
        END"""  # noqa: S608
        for table in tables
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    )


#: Forward migrations: ``MIGRATIONS[i]`` takes the schema from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE organisations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE models (
            id TEXT NOT NULL,
            version TEXT NOT NULL,
            source TEXT NOT NULL,
            PRIMARY KEY (id, version)
        )""",
        """CREATE TABLE engagements (
            id TEXT PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            wave TEXT NOT NULL,
            date TEXT NOT NULL,
            model_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            min_group_size INTEGER NOT NULL CHECK (min_group_size >= 3),
            created_at TEXT NOT NULL,
            FOREIGN KEY (model_id, model_version) REFERENCES models(id, version)
        )""",
        """CREATE TABLE respondents (
            id INTEGER PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            respondent_key TEXT NOT NULL,
            role TEXT NOT NULL,
            team TEXT NOT NULL,
            department TEXT,
            recommend INTEGER CHECK (recommend BETWEEN 0 AND 10),
            source TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            excluded_reason TEXT,
            UNIQUE (engagement_id, respondent_key)
        )""",
        """CREATE TABLE answers (
            respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            value INTEGER,
            not_applicable INTEGER NOT NULL DEFAULT 0 CHECK (not_applicable IN (0, 1)),
            PRIMARY KEY (respondent_id, item_id),
            CHECK (value IS NULL OR not_applicable = 0)
        ) WITHOUT ROWID""",
        """CREATE TABLE comments (
            respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
            dimension_id TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (respondent_id, dimension_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            respondents INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        )""",
        "CREATE INDEX respondents_engagement ON respondents(engagement_id, role, team)",
    ),
    (
        "ALTER TABLE engagements ADD COLUMN languages TEXT NOT NULL DEFAULT 'en'",
        """CREATE TABLE engagement_teams (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            team TEXT NOT NULL,
            department TEXT,
            headcount INTEGER NOT NULL CHECK (headcount >= 0),
            PRIMARY KEY (engagement_id, team)
        ) WITHOUT ROWID""",
        """CREATE TABLE targets (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            dimension_id TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            set_at TEXT NOT NULL,
            PRIMARY KEY (engagement_id, dimension_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE ratings (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            facet_id TEXT NOT NULL,
            level INTEGER CHECK (level BETWEEN 1 AND 5),
            evidence TEXT NOT NULL DEFAULT '',
            rated_at TEXT NOT NULL,
            PRIMARY KEY (engagement_id, facet_id)
        ) WITHOUT ROWID""",
    ),
    (
        # The questionnaire (_invites.py, _drafts.py): invite codes are stored only as
        # sha256 hashes; tables without rowid keep no insertion order that could be matched
        # against the order of respondent rows.
        """CREATE TABLE invite_codes (
            code_hash TEXT PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            role TEXT NOT NULL,
            team TEXT NOT NULL,
            department TEXT,
            max_uses INTEGER NOT NULL CHECK (max_uses >= 1),
            uses INTEGER NOT NULL DEFAULT 0 CHECK (uses BETWEEN 0 AND max_uses),
            expires_at TEXT,
            created_at TEXT NOT NULL
        ) WITHOUT ROWID""",
        "CREATE INDEX invite_codes_engagement ON invite_codes(engagement_id, team, role)",
        """CREATE TABLE drafts (
            code_hash TEXT NOT NULL REFERENCES invite_codes(code_hash) ON DELETE CASCADE,
            session_hash TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (code_hash, session_hash)
        ) WITHOUT ROWID""",
        "CREATE INDEX drafts_session ON drafts(session_hash)",
        """CREATE TABLE submissions (
            submission_key TEXT PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id)
        ) WITHOUT ROWID""",
    ),
    (
        # A revision counter per engagement, bumped by triggers on every change that
        # alters its scores or reports (responses, exclusions, teams, targets).
        """CREATE TABLE revisions (
            engagement_id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL
        ) WITHOUT ROWID""",
        *_revision_triggers("respondents", "engagement_teams", "targets", "ratings"),
    ),
    (
        # How long a form respondent took (seconds, rounded), for the "too fast" check.
        "ALTER TABLE respondents ADD COLUMN duration_seconds INTEGER "
        "CHECK (duration_seconds IS NULL OR duration_seconds >= 0)",
        # Free-text comments are released only for groups at least this large.
        "ALTER TABLE engagements ADD COLUMN min_comment_group_size INTEGER NOT NULL DEFAULT 10",
        "UPDATE engagements SET min_comment_group_size = "
        "max(min_comment_group_size, min_group_size)",
        *(
            f"""CREATE TRIGGER engagements_{event.lower()}_comment_group BEFORE {event}
            ON engagements WHEN NEW.min_comment_group_size < NEW.min_group_size BEGIN
                SELECT RAISE(ABORT, 'min_comment_group_size is below min_group_size');
            END"""
            for event in ("INSERT", "UPDATE")
        ),
        # Drafts are encrypted with a key derived from the respondent's code and this salt
        # (_drafts.py); drafts stored in clear before cannot be encrypted without the code,
        # so their answers are dropped (the session itself stays open).
        "ALTER TABLE drafts ADD COLUMN salt BLOB",
        "UPDATE drafts SET data = '', salt = randomblob(16), "
        "updated_at = substr(updated_at, 1, 10)",
    ),
    (
        # Shared codes cannot be held hostage (_drafts.py). A revoked code refuses new starts,
        # resumes and submissions; its submitted answers stay.
        "ALTER TABLE invite_codes ADD COLUMN revoked_at TEXT",
        # The hour (UTC) of a shared-code session's last activity (a saved page, a start or a
        # resume): only sessions active in the last day count against the code's limit, and a
        # session inactive for longer than the lapse period is deleted. Personal codes' drafts
        # keep only the day (updated_at). Drafts from before count as active at the start of
        # the day they were last saved.
        "ALTER TABLE drafts ADD COLUMN active_at TEXT",
        "UPDATE drafts SET active_at = updated_at || 'T00:00:00+00:00' WHERE session_hash != ''",
        # The continuation codes (hashed) of shared-code sessions deleted with saved answers
        # (lapsed, cleared or revoked), so their holders learn why instead of "not valid".
        # Nothing else: no time, no answers.
        """CREATE TABLE closed_sessions (
            session_hash TEXT PRIMARY KEY,
            code_hash TEXT NOT NULL REFERENCES invite_codes(code_hash) ON DELETE CASCADE
        ) WITHOUT ROWID""",
    ),
    (
        # A model's levels are numbered from 0 or 1 and up to 10 (issue 14): targets and
        # ratings take any of them (the model's own range is checked by the store). SQLite
        # cannot change a CHECK, so both tables are rebuilt, rows and revision triggers kept.
        *(
            statement
            for table, not_null, extra in (
                ("targets", " NOT NULL", "set_at TEXT NOT NULL"),
                ("ratings", "", "evidence TEXT NOT NULL DEFAULT '',\n            "
                                "rated_at TEXT NOT NULL"),
            )
            for statement in (
                f"""CREATE TABLE {table}_levels (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            {"dimension_id" if table == "targets" else "facet_id"} TEXT NOT NULL,
            level INTEGER{not_null} CHECK (level BETWEEN 0 AND 10),
            {extra},
            PRIMARY KEY (engagement_id, {"dimension_id" if table == "targets" else "facet_id"})
        ) WITHOUT ROWID""",
                f"INSERT INTO {table}_levels SELECT * FROM {table}",  # noqa: S608
                f"DROP TABLE {table}",
                f"ALTER TABLE {table}_levels RENAME TO {table}",
            )
        ),
        *_revision_triggers("targets", "ratings"),
    ),
    (
        # The consultant's narrative (issue 15): Markdown per engagement, language and
        # dimension ('' is the executive summary), and the actions agreed per dimension.
        """CREATE TABLE narratives (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            dimension_id TEXT NOT NULL,
            language TEXT NOT NULL,
            text TEXT NOT NULL CHECK (length(trim(text)) > 0),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (engagement_id, dimension_id, language)
        ) WITHOUT ROWID""",
        """CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            dimension_id TEXT NOT NULL,
            title TEXT NOT NULL CHECK (length(trim(title)) > 0),
            owner TEXT NOT NULL CHECK (length(trim(owner)) > 0),
            due TEXT NOT NULL CHECK (due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX actions_engagement ON actions(engagement_id, dimension_id)",
        *_revision_triggers("narratives", "actions"),
        # How many of an engagement's revisions came from its narrative and actions: the
        # revision without them (Store.data_revision) keys the computed tables, so writing
        # the narrative does not recompute the scores (_report/_tables.py, _batch.py).
        """CREATE TABLE note_revisions (
            engagement_id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL
        ) WITHOUT ROWID""",
        *(
            f"""CREATE TRIGGER {table}_{event.lower()}_note_revision AFTER {event} ON {table}
            BEGIN
                INSERT INTO note_revisions (engagement_id, revision)
                VALUES ({row}.engagement_id, 1)
                ON CONFLICT (engagement_id) DO UPDATE SET revision = revision + 1;
            END"""  # noqa: S608 (this module's constants, never user input)
            for table in ("narratives", "actions")
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
        ),
    ),
)


SCHEMA_VERSION = len(MIGRATIONS)
