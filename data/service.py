"""What the pages, the reports and the command line all ask of the store, with every setting applied
here and nowhere else: where the store is, the day they look from, the sprint table, the team
summary, the forecast, the OKR view, the band, the velocity window, the trend range, the check-in cadence, the
calibration thresholds and the upload limit. A setting changed is then changed everywhere alike;
``tests/test_layers.py`` fails when a page, ``ui.py``, ``dashboard.py`` or ``cli`` reads one itself."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics.forecast import next_sprint_forecast
from analytics.okr_metrics import stale_after
from analytics.okr_overview import OkrOverview, okr_overview
from analytics.planning import (commitment_coach, cycle_lessons, draft_okrs, keeps_overcommitting, kr_drivers,
                                next_cycle)
from analytics.sprint_metrics import (metrics_from_totals, next_sprints, sprint_states, sprints_in_order,
                                      team_summary)
from data import aggregates
from data.entries import okr_frames
from data.errors import say
from data.export import to_csv_bytes
from data.settings import (SETTINGS, default_store, lock_timeout, max_upload_bytes, max_upload_mb,  # noqa: F401
                           setting, store_path)  # the store's and the uploads' settings, as they were here
from data.store import Store


def regions(store: Store, teams: Sequence[str] | None = None) -> dict[str, str]:
    """Team → public-holiday region, for the teams that have one."""
    frame = store.current("teams", teams)
    return {row.team: row.region for row in frame.itertuples() if isinstance(row.region, str) and row.region}


@dataclass(frozen=True)
class SprintTotals:
    """What a sprint table is computed from, in every unit asked for: the teams' sprints in order,
    the item totals per unit (``aggregates.item_totals_by_unit``) and the teams' regions. It does not
    depend on the day a page looks from, which only decides each sprint's state."""
    order: pd.DataFrame
    totals: dict[str, pd.DataFrame]
    regions: dict[str, str]


def sprint_totals(store: Store, teams: Sequence[str] | None,
                  units: Sequence[str] = aggregates.UNITS) -> SprintTotals:
    """The sprint tables' data of the teams in ``units`` (default: points and items, from one
    reading of the item rows, so a page that switches the unit needs no second query)."""
    order = _sprint_order(store, teams)
    return SprintTotals(order, aggregates.item_totals_by_unit(store, teams, next_sprints(order), units),
                        regions(store, teams))


def sprint_table_of(totals: SprintTotals, unit: str = "points", as_of: date | None = None) -> pd.DataFrame:
    """``sprint_table`` from its data (``sprint_totals``), in one of the units it holds."""
    return metrics_from_totals(totals.order, totals.totals[unit], unit=unit,
                               band=(setting("DASHBOARD_BAND_LOW"), setting("DASHBOARD_BAND_HIGH")),
                               window=setting("DASHBOARD_VELOCITY_WINDOW"), as_of=as_of, regions=totals.regions)


def sprint_table(store: Store, teams: Sequence[str] | None, unit: str = "points",
                 as_of: date | None = None) -> pd.DataFrame:
    """Every METRICS.md sprint field of the teams' sprints, each with its state as of ``as_of``.

    The item rows stay in the store: DuckDB sums them per sprint (``data.aggregates``) and the
    metrics are computed from those totals, the path ``sprint_metrics`` takes from item frames."""
    if unit not in aggregates.UNITS:
        raise ValueError("unit must be 'points' or 'items'")
    return sprint_table_of(sprint_totals(store, teams, (unit,)), unit, as_of)


def sprint_calendar(store: Store, teams: Sequence[str] | None, as_of: date | None = None) -> pd.DataFrame:
    """The teams' sprints in the sprint table's order with their dates, type and state as of
    ``as_of``: the sprint table without its figures (no item row is summed), for what asks only which
    sprints there were and when (the KR drivers). The same rows, columns and values as those columns
    of ``sprint_table``."""
    return _with_states(_sprint_order(store, teams), as_of)


def calendar_of(sprints: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """``sprint_calendar`` of the teams' stored sprint rows (``Store.current("sprints")``, a frame a
    page already holds) without the sprints only item rows name: those have no dates, and what reads
    only dated sprints (the KR drivers) needs no scan of every item row for them."""
    return _with_states(sprints_in_order(sprints, pd.DataFrame(columns=["team", "sprint"])), as_of)


def _with_states(order: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    """Sprints in order with each one's state (closed, running, planned) as of ``as_of``."""
    return order.assign(state=sprint_states(order["start_date"], order["end_date"], as_of))


def _sprint_order(store: Store, teams: Sequence[str] | None) -> pd.DataFrame:
    """The teams' sprints in the sprint table's order (calendar sprints and those only items name)."""
    return sprints_in_order(store.current("sprints", teams), aggregates.item_only_sprints(store, teams))


def forecast(metrics: pd.DataFrame, team: str, *, backlog: float | None = None, last: int | None = None,
             trials: int | None = None, seed: int | None = None) -> dict:
    """The next-sprint (and backlog) forecast of a team, with the forecast settings as defaults."""
    return next_sprint_forecast(metrics, team, backlog=backlog,
                                last=last or setting("DASHBOARD_FORECAST_SPRINTS"),
                                trials=trials or setting("DASHBOARD_FORECAST_TRIALS"),
                                seed=setting("DASHBOARD_FORECAST_SEED") if seed is None else seed)


# --- where the store is, and the day everything is looked at from ---------------------------------

def lake_retention_days() -> float:
    """Days a DuckLake store keeps replaced snapshots and files (``maintenance``)."""
    return setting("DASHBOARD_LAKE_RETENTION_DAYS")


def today() -> date:
    """Today: the clock's day, unless DASHBOARD_TODAY fixes it (demos, screenshots, tests)."""
    return setting("DASHBOARD_TODAY") or date.today()


def as_of_day(day: date | None) -> date:
    """The day figures are computed as of: the one asked for, else today."""
    return day or today()


def allow_anonymous() -> bool:
    """Whether the dashboard may serve other computers without sign-in (DASHBOARD_ALLOW_ANONYMOUS)."""
    return setting("DASHBOARD_ALLOW_ANONYMOUS") == 1


def settings_table() -> pd.DataFrame:
    """Every setting with its current value, its default and what it does (``settings`` command)."""
    return pd.DataFrame([{"name": s.name, "value": hide_password(str(setting(s.name))), "default": s.default,
                          "help": s.help} for s in SETTINGS])


def hide_password(text: str) -> str:
    """A connection string with its password replaced by ***, for printing (DASHBOARD_STORE may hold one)."""
    return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", text)


# --- sprints ------------------------------------------------------------------------------------

def band() -> tuple[float, float]:
    """The predictability band of the say/do ratio: (lower edge, upper edge)."""
    return setting("DASHBOARD_BAND_LOW"), setting("DASHBOARD_BAND_HIGH")


def velocity_window() -> int:
    """Sprints in the rolling velocity average."""
    return setting("DASHBOARD_VELOCITY_WINDOW")


def trend_sprints() -> int:
    """How many of a team's latest closed sprints every trend answer is computed over."""
    return setting("DASHBOARD_TREND_SPRINTS")


def summarise(metrics: pd.DataFrame, *, last: int | None = None) -> pd.DataFrame:
    """The team summary of sprint rows over the trend range: the last ``last`` closed sprints, by
    default ``trend_sprints()``. The one computation the pages, the reports and ``summary`` quote."""
    return team_summary(metrics, last=last or trend_sprints())


def summary(store: Store, teams: Sequence[str] | None, as_of: date, *, last: int | None = None) -> pd.DataFrame:
    """The team summary (velocity statistics, accuracy trend, band share) of the teams' closed sprints
    over the trend range (``summarise``)."""
    return summarise(sprint_table(store, teams, "points", as_of), last=last)


# --- OKRs ---------------------------------------------------------------------------------------

def checkin_cadence() -> int:
    """The check-in rhythm in days (the weekly view's week)."""
    return setting("DASHBOARD_CHECKIN_DAYS")


def stale_days() -> int:
    """Days after the last check-in from which a running key result counts as stale."""
    return stale_after(checkin_cadence())


def calibration_thresholds() -> dict[str, float]:
    """The hit-rate thresholds of the cycle calibration, as ``analytics.calibration`` takes them."""
    return {"committed_min": setting("DASHBOARD_COMMITTED_HIT_MIN"),
            "aspirational_min": setting("DASHBOARD_ASPIRATIONAL_HIT_MIN"),
            "aspirational_max": setting("DASHBOARD_ASPIRATIONAL_HIT_MAX")}


def okr_state(store: Store, teams: Sequence[str] | None, as_of: date, *, cycle: str | None = None,
              running_only: bool = False) -> tuple[OkrOverview, dict[str, pd.DataFrame]]:
    """The key results and objectives of the teams (of one cycle when given; of the cycles running on
    ``as_of`` with ``running_only``) as of a day, with the behind gap and the check-in cadence
    applied, and the stored OKR tables they came from."""
    current, versions, imports = okr_frames(store, list(teams) if teams is not None else None)
    if cycle:
        for name in ("key_results", "objectives"):
            current[name] = current[name][current[name]["cycle"] == cycle]
    if running_only:  # okr_metrics.running's rule, on the cycles table before any key result is computed
        cycles, day = current["cycles"], pd.Timestamp(as_of)
        now = cycles[(pd.to_datetime(cycles["cycle_start"]) <= day) & (pd.to_datetime(cycles["cycle_end"]) >= day)]
        keys = set(zip(now["team"], now["cycle"]))
        for name in ("key_results", "objectives"):
            frame = current[name]
            inside = pd.Series([key in keys for key in zip(frame["team"], frame["cycle"])], index=frame.index, dtype=bool)
            current[name] = frame[inside].reset_index(drop=True)
    view = okr_overview(current, versions, imports, as_of=as_of, behind_gap=setting("DASHBOARD_BEHIND_GAP"),
                        cadence_days=checkin_cadence())
    return view, current


def okr_view(store: Store, teams: Sequence[str] | None, as_of: date, *, cycle: str | None = None) -> OkrOverview:
    """``okr_state`` without the stored tables: what the pages and the ``okrs`` command show."""
    return okr_state(store, teams, as_of, cycle=cycle)[0]


def running_okr_view(store: Store, teams: Sequence[str] | None, as_of: date) -> OkrOverview:
    """``okr_view`` of the cycles running on ``as_of`` only (``okr_metrics.running`` of its key results,
    and their objectives): all that Home and Teams show, without computing every past cycle's states."""
    return okr_state(store, teams, as_of, running_only=True)[0]


# --- planning: commitment coach, KR drivers, lessons of a cycle (issue 23) ---------------------

class PlanningUnavailable(ValueError):
    """The team or cycle asked for has no key results in the store (the message names the known ones)."""


def coach(store: Store, teams: Sequence[str] | None, as_of: date, *, sprint_type: str | None = None,
          days: float | None = None, unit: str = "points") -> pd.DataFrame:
    """The commitment coach of the teams' sprint types as of a day (``analytics.planning``)."""
    return commitment_coach(sprint_table(store, teams, unit, as_of), days=days, sprint_type=sprint_type)


def overcommitting(store: Store, teams: Sequence[str] | None, as_of: date) -> pd.DataFrame:
    """The coach's rows of teams that keep committing more than they deliver (below the band)."""
    return overcommitting_in(sprint_table(store, teams, "points", as_of))


def overcommitting_in(metrics: pd.DataFrame) -> pd.DataFrame:
    """``overcommitting`` of a sprint table in points a page already holds (no second sprint table)."""
    return keeps_overcommitting(commitment_coach(metrics), band()[0])


def drivers(store: Store, teams: Sequence[str] | None, as_of: date, *, cycle: str | None = None,
            unit: str = "points") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which sprint work moved which key result (per KR, and per KR and sprint), of one cycle or all."""
    view = okr_view(store, teams, as_of, cycle=cycle)
    return cycle_drivers(sprint_calendar(store, teams, as_of), aggregates.linked_items(store, teams),
                         view.key_results, store.current("checkins", teams), cycle, unit=unit)


def cycle_drivers(metrics: pd.DataFrame, linked: pd.DataFrame, key_results: pd.DataFrame, checkins: pd.DataFrame,
                  cycle: str | None, *, unit: str = "points") -> tuple[pd.DataFrame, pd.DataFrame]:
    """``drivers`` from the frames a page already holds: the sprint table (or ``sprint_calendar``: only
    the sprints' dates, types and states are read), the linked items, the OKR
    view's key results of every cycle (each key result's state is its own, so the cycle's rows of
    that view are the view of the cycle) and the check-ins."""
    if cycle:
        key_results = key_results[key_results["cycle"] == cycle].reset_index(drop=True)
    return kr_drivers(metrics, linked, key_results, checkins, unit=unit)


def lessons(store: Store, team: str, cycle: str, as_of: date, *, next_name: str | None = None,
            next_start: date | None = None, next_end: date | None = None, lang: str = "en") -> dict:
    """The lessons of a team's cycle (provisional while it runs on ``as_of``), with the next cycle
    (``next_cycle``, ``next_start``, ``next_end``: the given ones, else the one after this) and its
    draft OKR file (``draft``, a frame in the OKR template). Raises ``PlanningUnavailable``."""
    cycles = store.current("cycles", [team])
    mine = cycles[cycles["cycle"] == cycle] if not cycles.empty else cycles
    if mine.empty:
        known = ", ".join(dict.fromkeys(cycles["cycle"])) if not cycles.empty else ""
        raise PlanningUnavailable(say("no_team_krs_in_cycle", team=team, cycle=cycle, known=known or say("word_none")))
    start, end = mine["cycle_start"].iloc[0], mine["cycle_end"].iloc[0]
    close = min(pd.Timestamp(end), pd.Timestamp(as_of)).date()
    view, current = okr_state(store, [team], close, cycle=cycle)
    if view.key_results.empty:
        raise PlanningUnavailable(say("no_team_krs_in_cycle", team=team, cycle=cycle, known=cycle))
    name, begin, finish = next_cycle(cycle, start, end)
    name, begin, finish = next_name or name, next_start or begin, next_end or finish
    metrics = sprint_table(store, [team], "points", as_of)
    summary, _ = kr_drivers(metrics, aggregates.linked_items(store, [team]), view.key_results,
                            current["checkins"], unit="points")
    result = cycle_lessons(team=team, cycle=cycle, kr_close=view.key_results, objectives=current["objectives"],
                           metrics=metrics, drivers=summary, actions=store.current("retro_actions", [team]),
                           as_of=as_of, next_start=begin, next_end=finish)
    draft = draft_okrs(result["key_results"], current["objectives"], next_name=name, next_start=begin,
                       next_end=finish, lang=lang)
    return {**result, "next_cycle": name, "next_start": begin, "next_end": finish, "draft": draft}


def draft_csv(draft: pd.DataFrame) -> bytes:
    """The draft OKR file as the OKR template's CSV (English headers), ready to import after review."""
    return to_csv_bytes(draft)
