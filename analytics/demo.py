"""A believable demo organisation: three teams of a German B2B sales department doing Sales Scrum.

Deterministic for a given ``today`` and ``seed``; dates are laid out relative to ``today`` so the
demo always shows a finished latest sprint and a running OKR cycle. It is built to show what the
product exists to reveal: one team whose estimates get more accurate, one that over-commits
sprint after sprint, a steady key-account team; a key result at risk and one gone stale.
Returns frames shaped like the store's tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

COMPANIES = ["Müller Maschinenbau", "Schneider Logistik", "Becker Automation", "Hoffmann Antriebe",
             "Wagner Kunststofftechnik", "Krüger Hydraulik", "Fischer Verpackung", "Weber Sensorik",
             "Neumann Stahlbau", "Schulz Fördertechnik", "Koch Elektronik", "Richter Armaturen",
             "Wolf Lasertechnik", "Braun Medizintechnik", "Zimmermann Pumpen", "Hartmann Filter"]
ACTIVITIES = {
    "acquisition": ["Erstgespräch {c}", "Discovery-Call {c}", "Messe-Lead nachfassen: {c}", "LinkedIn-Ansprache {c}",
                    "Termin vereinbaren: {c}"],
    "pipeline": ["Opportunity bewerten: {c}", "Nächsten Schritt festlegen: {c}", "Angebot nachfassen: {c}",
                 "CRM-Daten bereinigen: {c}", "Abschlusswahrscheinlichkeit prüfen: {c}"],
    "key_account": ["Account-Plan aktualisieren", "Workshop mit Einkauf Autowerk", "Executive-Meeting vorbereiten",
                    "Rahmenvertrag verhandeln", "Reklamation klären: Werk {n}", "Bedarfsanalyse Werk {n}"],
}
SPRINT_TYPES = {"acquisition": "Akquise", "pipeline": "Pipeline-Hygiene", "key_account": "Key Account",
                "blitz": "Akquise-Blitz"}


@dataclass(frozen=True)
class TeamPlan:
    team: str
    prefix: str
    unit: str
    pattern: list[str]          # sprint kinds in order: blitz (1 day), acquisition (1 week), pipeline / key_account (2 weeks)
    say_do: list[float]         # delivered / committed per sprint, the team's story
    capacity: float             # committed estimate per working day


def _team_plans() -> list[TeamPlan]:
    # Neukunden Nord: erratic early, then close to its word (accuracy improving).
    nord = [0.55, 1.35, 0.6, 1.3, 0.7, 1.2, 0.8, 1.12, 0.88, 1.05, 0.93, 0.97, 1.0, 0.98]
    # Pipeline Süd: commits far more than it delivers, every sprint (out of band, three running and more).
    sued = [0.8, 0.76, 0.75, 0.72, 0.72, 0.7, 0.7, 0.68, 0.68, 0.66, 0.66, 0.64, 0.64, 0.62]
    # Key Account Automotive: steady and predictable.
    ka = [0.9, 0.95, 0.92, 0.88, 0.92, 0.95, 0.96, 0.9, 0.94, 0.97, 0.92, 0.95, 0.93, 0.97]
    return [
        TeamPlan("Neukunden Nord", "NN", "activities",
                 ["acquisition", "acquisition", "blitz", "pipeline", "acquisition", "acquisition", "blitz",
                  "pipeline", "acquisition", "acquisition", "blitz", "pipeline", "acquisition", "acquisition"], nord, 3.0),
        TeamPlan("Pipeline Süd", "PS", "points",
                 ["pipeline", "acquisition", "pipeline", "blitz", "pipeline", "acquisition", "pipeline", "blitz",
                  "pipeline", "acquisition", "pipeline", "blitz", "pipeline", "acquisition"], sued, 2.6),
        TeamPlan("Key Account Automotive", "KA", "points",
                 ["key_account"] * 7 + ["blitz"] + ["key_account"] * 6, ka, 2.0),
    ]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


SPRINT_DAYS = {"blitz": 1, "acquisition": 5, "pipeline": 10, "key_account": 10}


def _calendar(plan: TeamPlan, last_end: date) -> list[tuple[date, date]]:
    """Back-to-back sprints of 1, 5 or 10 working days, the last one ending on ``last_end``."""
    spans: list[tuple[date, date]] = []
    end = np.datetime64(last_end, "D")
    for kind in reversed(plan.pattern):
        start = np.busday_offset(end, -(SPRINT_DAYS[kind] - 1), roll="backward")
        spans.append((start.astype(date), end.astype(date)))
        end = np.busday_offset(start, -1, roll="backward")
    return list(reversed(spans))


def _cycles(today: date) -> list[tuple[str, date, date]]:
    current_start = _monday(today) - timedelta(weeks=8)
    previous_start = current_start - timedelta(weeks=13)
    out = []
    for start in (previous_start, current_start):
        middle = start + timedelta(weeks=6)
        out.append((f"Q{(middle.month - 1) // 3 + 1} {middle.year}", start, start + timedelta(weeks=13) - timedelta(days=3)))
    return out


KR_SPECS = {
    # team: [(objective_id, objective, okr_type, parent, [(kr suffix, text, kr_type, unit, start, target, weight, pace)])]
    "Neukunden Nord": [
        ("NN-O1", "Wir erschließen den Maschinenbau in Norddeutschland", "committed", "Marktanteil DACH ausbauen", [
            ("1", "40 Discovery-Meetings mit Neukunden", "increase", "Meetings", 0, 40, 1, 1.05),
            ("2", "15 qualifizierte Opportunities", "increase", "Opportunities", 0, 15, 1, 0.3),
        ]),
        ("NN-O2", "Kunden erleben uns als schnell und verlässlich", "aspirational", "Kundenzufriedenheit", [
            ("3", "Antwortzeit auf Kundenanfragen unter 4 Stunden", "decrease", "Stunden", 9, 4, 1, 0.95),
            ("4", "CRM-Playbook für den Erstkontakt eingeführt", "milestone", None, 0, 1, 0.5, 1.0),
        ]),
    ],
    "Pipeline Süd": [
        ("PS-O1", "Unsere Pipeline ist verlässlich", "committed", "Planbares Wachstum", [
            ("1", "Pipeline-Abdeckung mindestens 3-fach", "stay_above", "x Quote", 2.4, 3.0, 1, 1.1),
            ("2", "Anteil Opportunities mit nächstem Schritt auf 90 %", "increase", "%", 55, 90, 1, 0.85),
        ]),
        ("PS-O2", "Wir treffen unsere Prognosen", "aspirational", "Planbares Wachstum", [
            ("3", "Prognoseabweichung auf 10 % senken", "decrease", "%", 30, 10, 1, 0.7),
        ]),
    ],
    "Key Account Automotive": [
        ("KA-O1", "Wir bauen die Partnerschaft mit der Autowerk AG aus", "committed", "Marktanteil DACH ausbauen", [
            ("1", "Auftragsvolumen Autowerk AG auf 2,0 Mio. EUR", "increase", "EUR", 1_200_000, 2_000_000, 2, 1.0),
            ("2", "6 Executive-Meetings mit der Geschäftsführung", "increase", "Meetings", 0, 6, 1, 1.1),
            ("3", "Reklamationsquote höchstens 2 %", "stay_below", "%", 2.6, 2.0, 1, 1.2),
        ]),
    ],
}
STALE_KR = "PS-KR3"  # stops checking in three weeks before today
# What each team wrote down at the end of the previous cycle, shown when the next one is planned.
LESSONS = {
    "NN-O1": "Messe-Leads innerhalb von 48 Stunden nachfassen: daraus kamen die meisten Discovery-Meetings. "
             "Kaltakquise per LinkedIn brachte kaum Termine.",
    "NN-O2": "Antwortzeit sinkt nur mit fester Vertretungsregel; das Playbook früher im Zyklus starten.",
    "PS-O1": "Pipeline-Review jede Woche am Dienstag hält die Abdeckung stabil.",
    "PS-O2": "Die Prognoseabweichung hängt an wenigen großen Deals: diese einzeln bewerten.",
    "KA-O1": "Executive-Meetings mit Agenda vorab an die Geschäftsführung: beide Seiten kamen vorbereitet.",
}
# Revised during the running cycle by a second version in the demo import (the seed: strategy may
# change, objectives may not): a lowered target, and one objective reworded against the rule.
REVISED_TARGETS = {"PS-KR2": (80.0, "Anteil Opportunities mit nächstem Schritt auf 80 %")}
REWORDED = {"KA-O1": "Wir bauen die strategische Partnerschaft mit der Autowerk AG aus"}
CONFIDENCE_DROP_KR = "NN-KR2"  # the team's confidence falls by 3 in the last week
COMMENTS = {
    "good": ["Gute Woche, mehrere Termine aus der Messe", "Telefonakquise am Vormittag funktioniert am besten",
             "Empfehlungen von Bestandskunden bringen die besten Termine"],
    "slow": ["Wenig Bewegung, Engpass bei der Qualifizierung", "Zwei Termine abgesagt, Einkauf im Urlaub",
             "Angebote kommen zu spät raus, Vorlage fehlt"],
}


def generate(today: date, seed: int = 7) -> dict[str, pd.DataFrame]:
    """The demo organisation as frames named like the store's tables."""
    rng = np.random.default_rng(seed)
    last_end = _monday(today) - timedelta(days=3)  # the Friday before this week: the last closed sprint ends
    cycles = _cycles(today)
    teams, sprints, items, retro = [], [], [], []
    kr_by_team_cycle: dict[tuple[str, str], list[str]] = {}
    for team, objectives in KR_SPECS.items():
        for cycle, _, _ in cycles:
            kr_by_team_cycle[(team, cycle)] = [f"{team_prefix(team)}-{cycle[:2]}-KR{kr[0]}"
                                               for _, _, _, _, krs in objectives for kr in krs]

    for plan in _team_plans():
        teams.append({"team": plan.team, "unit": plan.unit, "region": REGIONS[plan.team]})
        calendar = _calendar(plan, last_end)
        counter = 100
        carry: list[dict] = []
        for number, ((start, end), kind, ratio) in enumerate(zip(calendar, plan.pattern, plan.say_do), start=1):
            name = f"{plan.prefix} Sprint {number}" if kind != "blitz" else f"{plan.prefix} Blitz {number}"
            days = np.busday_count(start, end + timedelta(days=1))
            cycle = next((c for c, s, e in cycles if s <= start <= e), None)
            krs = kr_by_team_cycle.get((plan.team, cycle), []) if cycle else []
            goal_kr = krs[0] if krs and kind in ("acquisition", "blitz") else (krs[1] if len(krs) > 1 else None)
            sprints.append({
                "team": plan.team, "sprint": name, "start_date": start, "end_date": end,
                "goal": _goal(kind, plan.team, number), "sprint_type": SPRINT_TYPES[kind],
                "committed": None, "completed": None, "added": None, "removed": None,
                "key_results": goal_kr, "commitment_basis": "recorded",
                "days_off": DAYS_OFF.get((plan.prefix, number), 0.0), "file_order": len(sprints) + 1})
            target = plan.capacity * days * rng.uniform(0.9, 1.1)
            committed = [dict(item, committed_at_start=True, added_on=None) for item in carry] if kind != "blitz" else []
            carry = carry if kind == "blitz" else []  # a one-day blitz starts fresh; open work waits for the next sprint
            total = sum(i["estimate"] for i in committed)
            while total < target:
                counter += 1
                estimate = float(rng.choice([1, 2, 2, 3, 3, 5, 8] if kind != "blitz" else [1, 1, 2]))
                committed.append(_item(plan, kind, counter, estimate, rng, krs, True, None))
                total += estimate
            removed_key = None
            if kind != "blitz" and len(committed) > 3 and rng.random() < 0.35:
                removed_key = committed[int(rng.integers(1, len(committed)))]["item_key"]
            # scope added during the sprint; a team that delivers more than it said did so with added work
            extra = max(0.0, (ratio - 1.0) * total)
            added, added_total = [], 0.0
            while kind != "blitz" and (added_total < extra or (not added and rng.random() < 0.5)):
                counter += 1
                day = start + timedelta(days=int(rng.integers(1, max(2, (end - start).days))))
                estimate = float(rng.choice([1, 2, 3]))
                added.append(_item(plan, kind, counter, estimate, rng, krs, False, day))
                added_total += estimate
            # deliver committed items, in order, until the sprint's story (delivered = say/do × committed) is told
            budget = ratio * total - added_total
            rows = []
            for item in committed:
                is_removed = item["item_key"] == removed_key
                done = not is_removed and budget >= item["estimate"] / 2  # whichever lands nearer the story
                budget -= item["estimate"] if done else 0
                rows.append(dict(item, removed=is_removed, done=done))
            rows.extend(dict(item, removed=False, done=True) for item in added)
            for row in rows:
                row["done_on"] = (start + timedelta(days=int(rng.integers(0, max(1, (end - start).days) + 1)))
                                  if row["done"] else None)
                if kind == "blitz" and row is rows[-1] and row["done"]:
                    row["done_on"] = end + timedelta(days=3)  # finished the Monday after: completed late
                items.append({"team": plan.team, "sprint": name, **row, "commitment_basis": "recorded"})
                if not row["done"] and not row["removed"] and rng.random() < 0.75:
                    carry.append({k: row[k] for k in ("item_key", "title", "item_type", "estimate", "key_result")})
        retro.extend(_retro(plan, [s["sprint"] for s in sprints if s["team"] == plan.team]))
        upcoming, upcoming_items = _open_sprints(plan, today, len(plan.pattern), counter, carry, kr_by_team_cycle, cycles,
                                                 np.random.default_rng(seed + len(sprints)))
        for sprint in upcoming:
            sprints.append(dict(sprint, file_order=len(sprints) + 1))
        items.extend(upcoming_items)

    cycle_rows, objective_rows, kr_rows, checkin_rows, plan_rows = _okrs(today, cycles, rng)
    return {
        "teams": pd.DataFrame(teams),
        "sprints": _dates(pd.DataFrame(sprints), ["start_date", "end_date"]),
        "sprint_items": _dates(pd.DataFrame(items), ["added_on", "done_on"]),
        "cycles": _dates(pd.DataFrame(cycle_rows), ["cycle_start", "cycle_end"]),
        "objectives": pd.DataFrame(objective_rows),
        "key_results": pd.DataFrame(kr_rows),
        "checkins": _dates(pd.DataFrame(checkin_rows), ["date"]),
        "kr_plans": _dates(pd.DataFrame(plan_rows), ["date"]),
        "retro_actions": pd.DataFrame(retro),
    }


# Where each team works: its public holidays are not working days (Hamburg, Bavaria, Baden-Württemberg).
REGIONS = {"Neukunden Nord": "DE-HH", "Pipeline Süd": "DE-BY", "Key Account Automotive": "DE-BW"}
# Team capacity lost to absences: (team prefix, sprint number) → days.
DAYS_OFF = {("NN", 5): 2.0, ("NN", 9): 1.0, ("PS", 7): 3.0, ("KA", 4): 2.0, ("KA", 11): 1.0}
# The sprint running this week and the one planned after it, per team.
OPEN_KINDS = {"NN": ("pipeline", "acquisition"), "PS": ("pipeline", "acquisition"), "KA": ("key_account", "key_account")}


def _open_sprints(plan: TeamPlan, today: date, closed_count: int, counter: int, carry: list[dict],
                  kr_by_team_cycle: dict, cycles, rng) -> tuple[list[dict], list[dict]]:
    """A two-week sprint running since this week's Monday (half done as of today) and the sprint
    planned after it (committed, nothing done yet): figures that are provisional, and shown as such."""
    running_kind, future_kind = OPEN_KINDS[plan.prefix]
    start = _monday(today)
    spans = [(running_kind, start, start + timedelta(days=11))]
    next_start = np.busday_offset(np.datetime64(spans[0][2], "D"), 1, roll="forward").astype(date)
    end = np.busday_offset(np.datetime64(next_start, "D"), SPRINT_DAYS[future_kind] - 1).astype(date)
    spans.append((future_kind, next_start, end))
    sprints, items = [], []
    for offset, (kind, begin, finish) in enumerate(spans, start=1):
        number = closed_count + offset
        name = f"{plan.prefix} Sprint {number}"
        cycle = next((c for c, s, e in cycles if s <= begin <= e), None)
        krs = kr_by_team_cycle.get((plan.team, cycle), []) if cycle else []
        sprints.append({
            "team": plan.team, "sprint": name, "start_date": begin, "end_date": finish,
            "goal": _goal(kind, plan.team, number), "sprint_type": SPRINT_TYPES[kind],
            "committed": None, "completed": None, "added": None, "removed": None,
            "key_results": krs[0] if krs else None, "commitment_basis": "recorded", "days_off": 0.0})
        planned = [dict(item, committed_at_start=True, added_on=None) for item in carry] if offset == 1 else []
        target = plan.capacity * SPRINT_DAYS[kind]
        while sum(i["estimate"] for i in planned) < target:
            counter += 1
            planned.append(_item(plan, kind, counter, float(rng.choice([1, 2, 3, 5])), rng, krs, True, None))
        elapsed = max(0, (today - begin).days)
        for position, item in enumerate(planned):
            done = offset == 1 and position % 2 == 0 and elapsed > 0
            done_on = begin + timedelta(days=min(elapsed - 1, position // 2)) if done else None
            items.append({"team": plan.team, "sprint": name, **item, "removed": False, "done": done,
                          "done_on": done_on, "commitment_basis": "recorded"})
    return sprints, items


def team_prefix(team: str) -> str:
    return {"Neukunden Nord": "NN", "Pipeline Süd": "PS", "Key Account Automotive": "KA"}[team]


def _dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame


def _item(plan: TeamPlan, kind: str, counter: int, estimate: float, rng, krs: list[str], committed: bool,
          added_on) -> dict:
    family = "acquisition" if kind == "blitz" else kind
    title = str(rng.choice(ACTIVITIES[family])).format(c=rng.choice(COMPANIES), n=int(rng.integers(1, 6)))
    linked = krs[int(rng.integers(0, min(2, len(krs))))] if krs and rng.random() < 0.6 else None
    return {"item_key": f"{plan.prefix}-{counter}", "title": title,
            "item_type": {"acquisition": "Aktivität", "pipeline": "Opportunity", "key_account": "Aufgabe"}[family],
            "estimate": estimate, "committed_at_start": committed, "added_on": added_on, "key_result": linked}


def _goal(kind: str, team: str, number: int) -> str:
    return {
        "acquisition": "Neue Entscheider im Maschinenbau erreichen und Erstgespräche vereinbaren",
        "blitz": "Ein Tag, so viele Kontakte wie möglich: Messe-Leads vollständig nachfassen",
        "pipeline": "Jede Opportunity bewertet, priorisiert und mit nächstem Schritt",
        "key_account": "Autowerk AG: Bedarf klären, Entscheider gewinnen, Reklamationen schließen",
    }[kind]


def _retro(plan: TeamPlan, sprint_names: list[str]) -> list[dict]:
    actions = {
        "NN": [("Nur Aktivitäten zusagen, die mit Termin im Kalender stehen", "done", 3),
               ("Schätzung im Planning gemeinsam mit Planning Poker", "done", 5),
               ("Blitz-Sprints vorher mit Lead-Liste vorbereiten", "done", 8),
               ("Nachfass-Vorlagen im CRM hinterlegen", "open", None)],
        "PS": [("Weniger zusagen: Kapazität vor dem Planning prüfen", "open", None),
               ("Opportunities ohne nächsten Schritt im Daily ansprechen", "dropped", None),
               ("Puffer für Kundenanfragen einplanen", "open", None),
               ("Pipeline-Review auf Dienstag verlegen", "done", 6)],
        "KA": [("Executive-Sponsor monatlich informieren", "done", 4),
               ("Reklamationen innerhalb von 48 h an Qualität übergeben", "done", 9),
               ("Account-Plan im Review zeigen", "open", None)],
    }[plan.prefix]
    rows = []
    for index, (text, status, done_after) in enumerate(actions):
        origin = min(len(sprint_names) - 1, index * 3 + 1)
        done_sprint = sprint_names[min(len(sprint_names) - 1, origin + done_after // 3 + 1)] if status == "done" else None
        rows.append({"team": plan.team, "sprint": sprint_names[origin], "action": text,
                     "owner": "Team" if index % 2 else "Scrum Master", "status": status, "done_sprint": done_sprint})
    return rows


def _okrs(today: date, cycles, rng):
    cycle_rows, objective_rows, kr_rows, checkin_rows, plan_rows = [], [], [], [], []
    for team, objectives in KR_SPECS.items():
        prefix = team_prefix(team)
        for cycle, start, end in cycles:
            cycle_rows.append({"team": team, "cycle": cycle, "cycle_start": start, "cycle_end": end})
            current = start <= today <= end
            for objective_id, objective, okr_type, parent, krs in objectives:
                oid = f"{objective_id}-{cycle[:2]}"
                objective_rows.append({"team": team, "cycle": cycle, "objective_id": oid, "objective": objective,
                                       "okr_type": okr_type, "parent": parent,
                                       "lessons": LESSONS.get(objective_id) if end < today else None})
                for suffix, text, kr_type, unit, s, g, weight, pace in krs:
                    kr_id = f"{prefix}-{cycle[:2]}-KR{suffix}"
                    kr_rows.append({"kr_id": kr_id, "team": team, "cycle": cycle, "objective_id": oid,
                                    "key_result": text, "kr_type": kr_type, "unit": unit, "start_value": float(s),
                                    "target_value": float(g), "weight": float(weight)})
                    # the previous cycle ends a little better than its pace; the current one runs at it
                    effective = pace if current else min(1.25, pace + 0.2)
                    checkin_rows.extend(_checkins(kr_id, kr_type, float(s), float(g), start, end, today,
                                                  effective, rng, stale=current and kr_id.endswith("KR3") and prefix == "PS",
                                                  drop=current and f"{prefix}-KR{suffix}" == CONFIDENCE_DROP_KR))
                    if kr_type == "increase" and unit == "EUR":
                        # a back-loaded plan: most of the volume is expected with the framework contract
                        for weeks, share in ((4, 0.1), (8, 0.3), (11, 0.8)):
                            plan_rows.append({"kr_id": kr_id, "date": start + timedelta(weeks=weeks),
                                              "planned_value": float(s + (g - s) * share)})
    return cycle_rows, objective_rows, kr_rows, checkin_rows, plan_rows


def _checkins(kr_id, kr_type, s, g, start, end, today, pace, rng, stale: bool, drop: bool = False) -> list[dict]:
    rows = []
    last_day = min(end, today - timedelta(days=1))
    if stale:
        last_day = today - timedelta(days=22)
    day = start + timedelta(days=4)  # Friday check-ins
    confidence = 7.0
    week = 0
    while day <= last_day:
        week += 1
        share = min(1.3, (day - start).days / (end - start).days * pace)
        noise = rng.normal(0, 0.03)
        if kr_type in ("increase", "decrease"):
            value = s + (g - s) * max(0.0, share + noise)
            value = round(value, 0 if abs(g - s) >= 20 else 1)
        elif kr_type == "stay_above":
            value = round(s + (g - s) * min(1.4, share * 1.6) + rng.normal(0, 0.05), 2)
        elif kr_type == "stay_below":
            value = round(s + (g - s) * min(1.3, share * 1.5) + rng.normal(0, 0.05), 2)
        else:  # milestone: done in the second half
            value = 1.0 if share > 0.6 else 0.0
        confidence = float(np.clip(round(confidence + (pace - 0.9) * 0.6 + rng.normal(0, 0.6)), 0, 10))
        comments = COMMENTS["good" if pace >= 0.9 else "slow"]
        comment = None if week % 2 else comments[(week // 2) % len(comments)]
        if drop and day + timedelta(weeks=1) > last_day:  # the last check-in of the running cycle
            confidence = float(max(0.0, rows[-1]["confidence"] - 3)) if rows else confidence
            comment = "Zwei große Opportunities verloren, Zuversicht gesunken"
        rows.append({"kr_id": kr_id, "date": day, "value": float(value), "confidence": confidence, "comment": comment})
        day += timedelta(weeks=1)
    return rows


def revisions(frames: dict[str, pd.DataFrame]) -> list[tuple[str, pd.DataFrame]]:
    """Second versions of rows of ``generate``'s running cycle: a revised target, a reworded objective.

    Written after the first versions in the same demo import, so the store keeps both (history
    and revisions are visible) and one undo still removes the whole demo."""
    cycles = frames["cycles"].sort_values("cycle_start")
    running = set(cycles.drop_duplicates("team", keep="last")["cycle"])
    krs = frames["key_results"]
    krs = krs[krs["cycle"].isin(running)].copy()
    krs["base"] = [f"{kr.split('-')[0]}-{kr.split('-')[-1]}" for kr in krs["kr_id"]]
    krs = krs[krs["base"].isin(REVISED_TARGETS)]
    krs["target_value"] = [REVISED_TARGETS[b][0] for b in krs["base"]]
    krs["key_result"] = [REVISED_TARGETS[b][1] for b in krs["base"]]
    objectives = frames["objectives"]
    objectives = objectives[objectives["cycle"].isin(running)].copy()
    objectives["base"] = ["-".join(o.split("-")[:2]) for o in objectives["objective_id"]]
    objectives = objectives[objectives["base"].isin(REWORDED)]
    objectives["objective"] = [REWORDED[b] for b in objectives["base"]]
    return [("key_results", krs.drop(columns="base").reset_index(drop=True)),
            ("objectives", objectives.drop(columns="base").reset_index(drop=True))]
