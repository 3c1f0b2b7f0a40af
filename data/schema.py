"""The stored tables and their numbered migrations.

Every data table is versioned: an import never overwrites a row. It marks the current version as
superseded by itself and inserts the new one, so undo can restore exactly what was there. The
columns ``import_id`` (who wrote this version) and ``superseded_by`` (who replaced it) carry that
history; the current state is every row whose ``superseded_by`` is null.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # (name, SQL type) of every column but the history ones
    # columns fixed by the first import of a row: a later import keeps the stored value
    sticky: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def values(self) -> list[str]:
        return [name for name in self.names if name not in self.key]

    @property
    def compared(self) -> list[str]:
        """Value columns whose change makes a new version (sticky ones never change)."""
        return [name for name in self.values if name not in self.sticky]


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("teams", ("team",), (("team", "VARCHAR"), ("unit", "VARCHAR"), ("region", "VARCHAR"))),
    Table("sprints", ("team", "sprint"), (
        ("team", "VARCHAR"), ("sprint", "VARCHAR"), ("start_date", "DATE"), ("end_date", "DATE"),
        ("goal", "VARCHAR"), ("sprint_type", "VARCHAR"), ("committed", "DOUBLE"), ("completed", "DOUBLE"),
        ("added", "DOUBLE"), ("removed", "DOUBLE"), ("key_results", "VARCHAR"), ("commitment_basis", "VARCHAR"),
        ("days_off", "DOUBLE"), ("file_order", "INTEGER")), sticky=("file_order",)),
    Table("sprint_items", ("team", "sprint", "item_key"), (
        ("team", "VARCHAR"), ("sprint", "VARCHAR"), ("item_key", "VARCHAR"), ("title", "VARCHAR"),
        ("item_type", "VARCHAR"), ("estimate", "DOUBLE"), ("committed_at_start", "BOOLEAN"),
        ("added_on", "DATE"), ("removed", "BOOLEAN"), ("done", "BOOLEAN"), ("done_on", "DATE"),
        ("key_result", "VARCHAR"), ("commitment_basis", "VARCHAR"))),
    Table("cycles", ("team", "cycle"), (
        ("team", "VARCHAR"), ("cycle", "VARCHAR"), ("cycle_start", "DATE"), ("cycle_end", "DATE"))),
    Table("objectives", ("team", "cycle", "objective_id"), (
        ("team", "VARCHAR"), ("cycle", "VARCHAR"), ("objective_id", "VARCHAR"), ("objective", "VARCHAR"),
        ("okr_type", "VARCHAR"), ("parent", "VARCHAR"), ("lessons", "VARCHAR"))),
    Table("key_results", ("kr_id",), (
        ("kr_id", "VARCHAR"), ("team", "VARCHAR"), ("cycle", "VARCHAR"), ("objective_id", "VARCHAR"),
        ("key_result", "VARCHAR"), ("kr_type", "VARCHAR"), ("unit", "VARCHAR"), ("start_value", "DOUBLE"),
        ("target_value", "DOUBLE"), ("weight", "DOUBLE"))),
    Table("checkins", ("kr_id", "date"), (
        ("kr_id", "VARCHAR"), ("date", "DATE"), ("value", "DOUBLE"), ("confidence", "DOUBLE"),
        ("comment", "VARCHAR"))),
    Table("kr_plans", ("kr_id", "date"), (
        ("kr_id", "VARCHAR"), ("date", "DATE"), ("planned_value", "DOUBLE"))),
    Table("retro_actions", ("team", "sprint", "action"), (
        ("team", "VARCHAR"), ("sprint", "VARCHAR"), ("action", "VARCHAR"), ("owner", "VARCHAR"),
        ("status", "VARCHAR"), ("done_sprint", "VARCHAR"))),
)}


# Numbered migrations: each is applied once, in order, inside one transaction, and recorded in
# schema_version. Never edit a released migration; add the next number (and keep TABLES in step).
# Write them in SQL that both kinds of store run (DuckLake has no PRIMARY KEY/UNIQUE constraints,
# sequences or indexes; NOT NULL, DEFAULT, ALTER TABLE ADD COLUMN, UPDATE … FROM and DELETE work):
# tests/test_store.py migrates a DuckLake store with every migration.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE SEQUENCE IF NOT EXISTS import_ids START 1",
        """CREATE TABLE IF NOT EXISTS imports (
               import_id BIGINT PRIMARY KEY, imported_at TIMESTAMP NOT NULL,
               source VARCHAR NOT NULL, undone_at TIMESTAMP)""",
        """CREATE TABLE IF NOT EXISTS import_files (
               import_id BIGINT NOT NULL, file_name VARCHAR NOT NULL, content_hash VARCHAR NOT NULL,
               kind VARCHAR NOT NULL, source VARCHAR NOT NULL, rows INTEGER NOT NULL,
               inserted INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS teams (
               team VARCHAR,
               unit VARCHAR,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS sprints (
               team VARCHAR,
               sprint VARCHAR,
               start_date DATE,
               end_date DATE,
               goal VARCHAR,
               sprint_type VARCHAR,
               committed DOUBLE,
               completed DOUBLE,
               added DOUBLE,
               removed DOUBLE,
               key_results VARCHAR,
               commitment_basis VARCHAR,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS sprint_items (
               team VARCHAR,
               sprint VARCHAR,
               item_key VARCHAR,
               title VARCHAR,
               item_type VARCHAR,
               estimate DOUBLE,
               committed_at_start BOOLEAN,
               added_on DATE,
               removed BOOLEAN,
               done BOOLEAN,
               done_on DATE,
               key_result VARCHAR,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS cycles (
               team VARCHAR,
               cycle VARCHAR,
               cycle_start DATE,
               cycle_end DATE,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS objectives (
               team VARCHAR,
               cycle VARCHAR,
               objective_id VARCHAR,
               objective VARCHAR,
               okr_type VARCHAR,
               parent VARCHAR,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS key_results (
               kr_id VARCHAR,
               team VARCHAR,
               cycle VARCHAR,
               objective_id VARCHAR,
               key_result VARCHAR,
               kr_type VARCHAR,
               unit VARCHAR,
               start_value DOUBLE,
               target_value DOUBLE,
               weight DOUBLE,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS checkins (
               kr_id VARCHAR,
               date DATE,
               value DOUBLE,
               confidence DOUBLE,
               comment VARCHAR,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS kr_plans (
               kr_id VARCHAR,
               date DATE,
               planned_value DOUBLE,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
        """CREATE TABLE IF NOT EXISTS retro_actions (
               team VARCHAR,
               sprint VARCHAR,
               action VARCHAR,
               owner VARCHAR,
               status VARCHAR,
               done_sprint VARCHAR,
               import_id BIGINT NOT NULL, superseded_by BIGINT)""",
    ]),
    (2, [
        # items from tool exports carry how their commitment is known ("inferred" vs "recorded")
        "ALTER TABLE sprint_items ADD COLUMN IF NOT EXISTS commitment_basis VARCHAR DEFAULT 'recorded'",
        # column mappings the user saved per source, reused on the next upload
        """CREATE TABLE IF NOT EXISTS column_mappings (
               source VARCHAR PRIMARY KEY, mapping VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL)""",
    ]),
    (3, [
        # the team's public-holiday region (ISO 3166-2, e.g. DE-BY): working days skip its holidays
        "ALTER TABLE teams ADD COLUMN IF NOT EXISTS region VARCHAR",
        # team capacity lost to absences in a sprint, in days
        "ALTER TABLE sprints ADD COLUMN IF NOT EXISTS days_off DOUBLE",
        # position of the sprint in the file that first brought it: the order of sprints without dates
        "ALTER TABLE sprints ADD COLUMN IF NOT EXISTS file_order INTEGER",
    ]),
    (4, [
        # what a team learnt in a cycle, per objective: shown when the next cycle is planned
        "ALTER TABLE objectives ADD COLUMN IF NOT EXISTS lessons VARCHAR",
    ]),
    (5, [
        # One schema for the embedded file and DuckLake (issue 20): what DuckLake lacks goes from
        # stores made before. Import ids are max + 1 inside the import's transaction instead of a
        # sequence; the keys stay unique because every write goes through Store._run.
        "DROP SEQUENCE IF EXISTS import_ids",
        *(statement for table, columns in (
            ("imports", "import_id BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL, source VARCHAR NOT NULL, "
                        "undone_at TIMESTAMP"),
            ("column_mappings", "source VARCHAR NOT NULL, mapping VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL"),
            ("schema_version", "version INTEGER NOT NULL, applied_at TIMESTAMP"))
          for statement in (f"CREATE TABLE {table}_v5 ({columns})", f"INSERT INTO {table}_v5 SELECT * FROM {table}",
                            f"DROP TABLE {table}", f"ALTER TABLE {table}_v5 RENAME TO {table}")),
        # one row every write bumps: two processes writing a DuckLake store at once conflict on it
        # at commit, and the one that lost runs again (Store._run), as the embedded file's writers
        # queue for its lock
        "CREATE TABLE IF NOT EXISTS write_serial (serial BIGINT NOT NULL)",
        "INSERT INTO write_serial SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM write_serial)",
    ]),
    (6, [
        # who did it (issue 22): the identity that made an import or entry, and the one that undid it
        "ALTER TABLE imports ADD COLUMN IF NOT EXISTS imported_by VARCHAR",
        "ALTER TABLE imports ADD COLUMN IF NOT EXISTS undone_by VARCHAR",
        # the teams an import touched (a JSON list): whose history it is, and whose leads may undo it
        "ALTER TABLE imports ADD COLUMN IF NOT EXISTS teams VARCHAR",
        # who may see and do what (data.access): one row per identity and team ('*': every team)
        """CREATE TABLE IF NOT EXISTS access_grants (
               identity VARCHAR NOT NULL, team VARCHAR NOT NULL, role VARCHAR NOT NULL,
               granted_by VARCHAR NOT NULL, granted_at TIMESTAMP NOT NULL)""",
        # every grant and revoke, kept: the access table says who may, this one who decided it and when
        """CREATE TABLE IF NOT EXISTS access_changes (
               changed_at TIMESTAMP NOT NULL, changed_by VARCHAR NOT NULL, change VARCHAR NOT NULL,
               identity VARCHAR NOT NULL, team VARCHAR NOT NULL, role VARCHAR)""",
    ]),
    (7, [
        # the rows an import that skipped invalid rows left out, kept beside it (its rejects CSV):
        # where each was, why, and the row as the file had it (a JSON array of [header, cell])
        """CREATE TABLE IF NOT EXISTS import_rejects (
               import_id BIGINT NOT NULL, file_name VARCHAR NOT NULL, row_number INTEGER NOT NULL,
               column_name VARCHAR, message VARCHAR NOT NULL, original VARCHAR NOT NULL)""",
    ]),
]

# What a store made new runs instead of a migration that uses what DuckLake lacks: the same tables
# and columns, in the same order, without sequence and keys (migration 5 brings an older embedded
# store to exactly this). A migration not listed here runs as it is on every store.
PORTABLE: dict[int, list[str]] = {
    1: [statement.replace("import_id BIGINT PRIMARY KEY", "import_id BIGINT NOT NULL")
        for statement in MIGRATIONS[0][1] if not statement.startswith("CREATE SEQUENCE")],
    2: [statement.replace("source VARCHAR PRIMARY KEY", "source VARCHAR NOT NULL") for statement in MIGRATIONS[1][1]],
    5: MIGRATIONS[4][1][-2:],
}

# The store's own tables beside the data: a restore keeps the target's (a backup carries them for reading).
BOOKKEEPING = ("schema_version", "write_serial")

SCHEMA_VERSION = MIGRATIONS[-1][0]
