"""Who may see and do what (issue 22): grants kept in the store, the ``Access`` of one identity, and
``ScopedStore``, the store as that identity sees it: the one access layer every read and write passes.

An identity is an email address or ``group:NAME`` (everyone whose ID token carries NAME in its
``groups`` claim). A grant gives an identity a role for one team, or for ``*`` (every team, present
and future). The roles build on each other: ``viewer`` reads, ``member`` also records check-ins,
retro actions and lessons, ``lead`` also imports and undoes, ``admin`` may do everything with every
team (demo data, backup and restore, grants). Where grants overlap the highest role wins.

A page never gets the plain ``Store``: ``ui.store()`` hands it a ``ScopedStore`` whose reads return
only the teams the identity may see (``readable``; ``data.aggregates`` and the service pass their
team lists through it) and whose writes refuse what the role does not allow (``AccessRefused``),
however the request was made. The command line runs on the host as the operator (an admin) and
wraps its store the same way, so every write records who made it.
"""
from __future__ import annotations

import getpass
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from data.errors import UndoRefused, say
from data.store import ImportResult, Progress, Store, parsed_teams
from data.templates import ParsedFile

ROLES = ("viewer", "member", "lead", "admin")
RANK = {role: number for number, role in enumerate(ROLES, start=1)}
EVERY = "*"
GROUP = "group:"
# What each kind of write needs (README "Sign-in and access").
ENTRY, IMPORT, ADMIN = "member", "lead", "admin"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# The tables an entry made in the app writes (a check-in, a retro action, an objective's lessons),
# with the columns it may set (None: every column): a member may write these and nothing else.
_ENTRY_TABLES: dict[str, set[str] | None] = {
    "checkins": None, "retro_actions": None, "teams": {"team"},
    "objectives": {"team", "cycle", "objective_id", "lessons"}}


class AccessRefused(PermissionError):
    """A read or write the identity's role does not allow; ``message`` is a sentence for the user
    that never names a team the identity cannot see."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class IdentityInvalid(ValueError):
    """An identity that is neither an email address nor ``group:NAME``, or an unknown role."""


def os_user() -> str:
    """Who runs the command line (the default of ``--user``): the operating-system user."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a container without /etc/passwd entry)
        return "operator"


def normal_identity(text: str) -> str:
    """An identity as grants keep it: an email in lower case, ``group:NAME`` with the name as given."""
    value = (text or "").strip()
    if value.lower().startswith(GROUP):
        name = value[len(GROUP):].strip()
        if name and not any(ch.isspace() or ch in "\x00" for ch in name):
            return GROUP + name
    elif _EMAIL.fullmatch(value):
        return value.lower()
    raise IdentityInvalid(say("identity_invalid", identity=value[:80]))


@dataclass(frozen=True)
class Access:
    """What one identity may see and do: its name, whether it is an admin, and its role per team
    (``*``: every team). ``local`` marks the single user on localhost without sign-in."""

    identity: str
    admin: bool = False
    roles: tuple[tuple[str, str], ...] = ()  # (team or '*', role), the highest per team
    local: bool = False

    @property
    def key(self) -> tuple:
        """Different for every different set of rights: part of every cached page result's key."""
        return self.identity, self.admin, self.roles

    def role(self, team: str) -> str | None:
        """The identity's role for a team: the higher of the team's own grant and a '*' grant."""
        if self.admin:
            return "admin"
        found = dict(self.roles)
        candidates = [r for r in (found.get(team), found.get(EVERY)) if r]
        return max(candidates, key=RANK.__getitem__) if candidates else None

    def has_any(self) -> bool:
        return self.admin or bool(self.roles)

    def sees(self, team: str) -> bool:
        return self.role(team) is not None

    def may(self, needed: str, team: str) -> bool:
        role = self.role(team)
        return role is not None and RANK[role] >= RANK[needed]

    def may_somewhere(self, needed: str) -> bool:
        """Whether some team allows ``needed`` (the Import page shows its upload to leads only)."""
        return self.admin or any(RANK[role] >= RANK[needed] for _, role in self.roles)

    def visible(self, teams: Iterable[str]) -> list[str]:
        return [team for team in teams if self.sees(team)]

    def require(self, needed: str, teams: Iterable[str]) -> None:
        """Raise ``AccessRefused`` unless the role allows ``needed`` for every one of ``teams``."""
        for team in sorted(set(teams)):
            if not self.may(needed, team):
                if self.sees(team):
                    raise AccessRefused(say("access_refused", identity=self.identity, role=self.role(team),
                                            needed=needed, team=team))
                raise AccessRefused(say("access_refused_hidden", identity=self.identity, needed=needed))

    def require_admin(self) -> None:
        if not self.admin:
            raise AccessRefused(say("access_admin_only", identity=self.identity))

    def as_dict(self, teams: Sequence[str]) -> dict:
        """``whoami``'s answer: every stored team the identity sees with its role, and '*' when a
        grant covers every team (present and future)."""
        shown = {team: self.role(team) for team in teams if self.sees(team)}
        shown.update({team: self.role(team) for team, _ in self.roles if team not in shown})
        if self.admin:
            shown[EVERY] = "admin"
        return {"identity": self.identity, "admin": self.admin, "teams": dict(sorted(shown.items()))}


def operator(user: str | None = None) -> Access:
    """The command line's identity: the operator on the host, who may do everything."""
    return Access(user or os_user(), admin=True)


def single_user(user: str | None = None) -> Access:
    """The dashboard without sign-in, served on localhost only: the one person at this computer."""
    return Access(user or os_user(), admin=True, local=True)


# --- grants -------------------------------------------------------------------------------------

def grants(store: Store) -> pd.DataFrame:
    """One row per grant: identity, team ('*': every team), role, granted_by, granted_at."""
    with store.cursor() as cur:
        return cur.execute("SELECT identity, team, role, granted_by, granted_at FROM access_grants "
                           "ORDER BY identity, team").df()


def changes(store: Store) -> pd.DataFrame:
    """Every grant and revoke ever made, newest first: who decided what, when."""
    with store.cursor() as cur:
        return cur.execute("SELECT changed_at, changed_by, change, identity, team, role FROM access_changes "
                           "ORDER BY changed_at DESC, identity, team").df()


def resolve(store: Store, identity: str, groups: Iterable[str] = ()) -> Access:
    """The Access of a signed-in identity with the groups of its ID token: every grant of the
    identity and of its groups, the highest role per team winning."""
    names = [normal_identity(identity)]
    for group in groups:
        try:
            names.append(normal_identity(GROUP + str(group)))
        except IdentityInvalid:
            continue  # a group name a grant could not name grants nothing
    with store.cursor() as cur:
        rows = cur.execute("SELECT team, role FROM access_grants WHERE list_contains(?, identity)", [names]).fetchall()
    best: dict[str, str] = {}
    for team, role in rows:
        if role in RANK and (team not in best or RANK[role] > RANK[best[team]]):
            best[team] = role
    admin = "admin" in best.values()
    return Access(names[0], admin=admin, roles=() if admin else tuple(sorted(best.items())))


def grant(store: Store, identity: str, role: str, teams: Sequence[str], *, now: datetime | None = None) -> list[str]:
    """Give ``identity`` ``role`` for ``teams`` ('*': every team; admin is always every team),
    replacing its earlier role for those teams. Only an admin may; recorded in access_changes."""
    access = access_of(store)
    access.require_admin()
    who = normal_identity(identity)
    if role not in RANK:
        raise IdentityInvalid(say("role_invalid", role=str(role)[:40], roles=", ".join(ROLES)))
    chosen = [EVERY] if role == "admin" else list(dict.fromkeys(t.strip() for t in teams if t and t.strip()))
    if not chosen:
        raise IdentityInvalid(say("grant_needs_team"))
    when = now or datetime.now()
    def granting(cur) -> None:
        for team in chosen:
            cur.execute("DELETE FROM access_grants WHERE identity = ? AND team = ?", [who, team])
            cur.execute("INSERT INTO access_grants VALUES (?, ?, ?, ?, ?)", [who, team, role, access.identity, when])
            cur.execute("INSERT INTO access_changes VALUES (?, ?, 'grant', ?, ?, ?)",
                        [when, access.identity, who, team, role])
    store._run(granting)  # a DuckLake store: retried when another replica committed first
    return chosen


def revoke(store: Store, identity: str, teams: Sequence[str] | None = None, *, now: datetime | None = None) -> int:
    """Take back the grants of ``identity`` (for ``teams`` only, when given); how many were taken."""
    access = access_of(store)
    access.require_admin()
    who = normal_identity(identity)
    when = now or datetime.now()
    def revoking(cur) -> int:
        rows = cur.execute("SELECT team, role FROM access_grants WHERE identity = ? AND (? OR list_contains(?, team))",
                           [who, not teams, list(teams or [])]).fetchall()
        for team, role in rows:
            cur.execute("DELETE FROM access_grants WHERE identity = ? AND team = ?", [who, team])
            cur.execute("INSERT INTO access_changes VALUES (?, ?, 'revoke', ?, ?, ?)",
                        [when, access.identity, who, team, role])
        return len(rows)
    return store._run(revoking)


# --- the store as one identity sees it ------------------------------------------------------------

def access_of(store: Store) -> Access:
    """The identity a store acts for: a ScopedStore's, else the operator's (the command line, tests)."""
    return store.access if isinstance(store, ScopedStore) else operator()


def import_teams(cur: duckdb.DuckDBPyConnection, imports: Iterable[int] | None = None) -> dict[int, set[str]]:
    """The teams each import touched: as it recorded them (imports.teams), or, for imports made
    before that was kept, the teams of the rows it wrote or replaced."""
    from data.schema import TABLES
    wanted = None if imports is None else sorted(imports)
    found: dict[int, set[str]] = {}
    recorded = cur.execute("SELECT import_id, teams FROM imports WHERE (? OR list_contains(?, import_id))",
                           [wanted is None, wanted or []]).fetchall()
    unknown = []
    for number, teams in recorded:
        if teams is None:
            unknown.append(number)
        else:
            found[number] = set(json.loads(teams))
    if unknown:
        parts = []
        for table in TABLES.values():
            team = "team" if "team" in table.names else \
                "(SELECT min(k.team) FROM key_results k WHERE k.kr_id = t.kr_id)"  # check-ins, plans: their KR's team
            for column in ("import_id", "superseded_by"):
                parts.append(f"SELECT {column} AS import_id, {team} AS team FROM {table.name} t "
                             f"WHERE list_contains(?, {column})")
        rows = cur.execute(" UNION ".join(parts), [unknown] * len(parts)).fetchall()
        for number in unknown:
            found[number] = set()
        for number, team in rows:
            if team is not None:
                found[number].add(team)
    return found


class ScopedStore(Store):
    """The store as one identity sees it: the same database (no second connection, no migration),
    every read narrowed to the visible teams, every write checked against the role and recorded
    with the identity."""

    def __init__(self, store: Store, access: Access):  # not super().__init__: that would migrate again
        self.__dict__.update(store.__dict__)  # the path, the locks and the session of the store itself
        self.access = access

    # --- reading: only what the identity may see ---------------------------------------------
    def readable(self, teams: Sequence[str] | None) -> Sequence[str] | None:
        if self.access.admin:
            return teams  # every team: nothing to narrow, no query to ask
        visible = self.teams()
        return visible if teams is None else [team for team in teams if team in visible]

    def teams(self) -> list[str]:
        return self.access.visible(super().teams())

    def current(self, table: str, teams: Sequence[str] | None = None) -> pd.DataFrame:
        return super().current(table, self.readable(teams))

    def versions(self, table: str) -> pd.DataFrame:
        frame = super().versions(table)
        if self.access.admin:
            return frame
        if "team" in frame:
            return frame[frame["team"].map(self.access.sees)].reset_index(drop=True)
        krs = super().versions("key_results")  # a check-in or plan is its key result's team's
        mine = set(krs.loc[krs["team"].map(self.access.sees), "kr_id"])
        return frame[frame["kr_id"].isin(mine)].reset_index(drop=True)

    def has_data(self) -> bool:
        return bool(self.teams()) and super().has_data()

    def data_version(self) -> tuple:
        return (*super().data_version(), self.access.key)

    def _visible_imports(self) -> set[int] | None:
        """The imports whose every team the identity sees (None: all, for an admin)."""
        if self.access.admin:
            return None
        with self.cursor() as cur:
            touched = import_teams(cur)
        return {number for number, teams in touched.items() if teams and all(map(self.access.sees, teams))}

    def history(self) -> pd.DataFrame:
        frame = super().history()
        shown = self._visible_imports()
        return frame if shown is None else frame[frame["import_id"].isin(shown)].reset_index(drop=True)

    def import_files(self) -> pd.DataFrame:
        frame = super().import_files()
        shown = self._visible_imports()
        return frame if shown is None else frame[frame["import_id"].isin(shown)].reset_index(drop=True)

    def rejects(self, import_id: int) -> pd.DataFrame:
        """The rows an import left out, only of an import whose history this identity sees."""
        shown = self._visible_imports()
        frame = super().rejects(import_id)
        return frame if shown is None or import_id in shown else frame.iloc[0:0]

    def reject_counts(self) -> dict[int, int]:
        shown = self._visible_imports()
        counts = super().reject_counts()
        return counts if shown is None else {number: n for number, n in counts.items() if number in shown}

    def known_key_results(self) -> set[str]:
        return set(self.current("key_results")["kr_id"])

    def is_empty(self) -> bool:
        return super().is_empty() if self.access.admin else not self.has_data()

    # --- writing: the role decides ----------------------------------------------------------------
    def write(self, parsed: Sequence[ParsedFile], hashes: Sequence[str], *, source: str, dry_run: bool = False,
              progress: Progress | None = None, now: datetime | None = None, rejects: Sequence = (),
              user: str | None = None) -> ImportResult:
        if source == "demo":
            self.access.require_admin()
        elif not self.access.admin:  # an admin may write every team: no need to ask which
            with self.cursor() as cur:
                teams = parsed_teams(cur, parsed)
            self.access.require(needed_role(parsed), teams)
        return super().write(parsed, hashes, source=source, dry_run=dry_run, progress=progress, now=now,
                             rejects=rejects, user=user or self.access.identity)

    def save_mapping(self, source: str, mapping: dict[str, str], *, now: datetime | None = None) -> None:
        if not self.access.may_somewhere(IMPORT):
            raise AccessRefused(say("access_refused_hidden", identity=self.access.identity, needed=IMPORT))
        super().save_mapping(source, mapping, now=now)

    def undo(self, import_id: int, *, cascade: bool = False, now: datetime | None = None,
             user: str | None = None) -> list[int]:
        shown = self._visible_imports()
        if shown is not None and import_id not in shown:
            raise UndoRefused(say("no_import", id=import_id))  # another team's import: as if there were none
        return super().undo(import_id, cascade=cascade, now=now, user=user or self.access.identity)

    def _allow_undo(self, cur: duckdb.DuckDBPyConnection, imports: set[int]) -> None:
        touched = import_teams(cur, imports)
        self.access.require(IMPORT, set().union(*touched.values()) if touched else set())


def needed_role(parsed: Sequence[ParsedFile]) -> str:
    """``member`` for what an entry in the app writes (check-ins, retro actions, lessons), else ``lead``."""
    for item in parsed:
        for frame in item.frames:
            if frame.table not in _ENTRY_TABLES:
                return IMPORT
            allowed = _ENTRY_TABLES[frame.table]
            if allowed is not None and not set(frame.present) <= allowed:
                return IMPORT
    return ENTRY
