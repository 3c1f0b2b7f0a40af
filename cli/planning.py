"""The planning commands (CLI.md; METRICS.md "Planning"): ``coach`` (a commitment range per sprint
type), ``drivers`` (which sprint work moved which key result) and ``lessons`` (a cycle's lessons
and, with --out, the next cycle's draft OKR file), computed through ``data.service`` as the pages do."""
from __future__ import annotations

import sys
from pathlib import Path

from cli.common import as_of, open_store, teams
from cli.output import emit, jsonable, records


def cmd_coach(args) -> int:
    from analytics.planning import COACH_JSON, coach_sentence
    from data.service import coach
    store = open_store(args)
    frame = coach(store, teams(args), as_of(args), sprint_type=args.type, days=args.days, unit=args.unit)
    if args.json:
        emit(args, records(frame[COACH_JSON]))
    elif frame.empty:
        emit(args, None, frame)
    else:
        for row in frame.to_dict("records"):
            print(f"{row['team']} · {coach_sentence(row, args.unit, 'en')}")
    return 0


def _driver_json(row: dict) -> dict:
    from analytics.planning import DRIVER_JSON, DRIVER_TYPE_JSON
    out = {key: jsonable(row[key]) for key in DRIVER_JSON if key != "by_sprint_type"}
    out["by_sprint_type"] = [{key: jsonable(kind[key]) for key in DRIVER_TYPE_JSON} for kind in row["by_sprint_type"]]
    return out


def cmd_drivers(args) -> int:
    from analytics.planning import driver_sentences
    from data.service import drivers
    store = open_store(args)
    summary, _ = drivers(store, teams(args), as_of(args), cycle=args.cycle)
    if args.json:
        emit(args, [_driver_json(row) for row in summary.to_dict("records")])
    elif summary.empty:
        emit(args, None, summary)
    else:
        for row in summary.to_dict("records"):
            print(f"{row['team']} · {row['cycle']} · {row['kr_id']} · {row['key_result']}")
            for line in driver_sentences(row, "units", "en"):
                print(f"  {line}")
    return 0


def lessons_json(result: dict) -> dict:
    """The lessons as CLI.md's JSON object (ratios as fractions, missing as null)."""
    return {"team": result["team"], "cycle": result["cycle"], "provisional": result["provisional"],
            "key_results": records(result["key_results"]),
            "sprint_types": [{key: (jsonable(value) if key != "key_results" else
                                    [{k: jsonable(v) for k, v in kr.items()} for kr in value])
                              for key, value in kind.items()} for kind in result["sprint_types"]],
            "open_retro_actions": result["open_retro_actions"]}


def cmd_lessons(args) -> int:
    from data.service import PlanningUnavailable, draft_csv, lessons
    if (args.next_start is None) != (args.next_end is None):
        print("--next-start and --next-end go together: give both, or neither for the cycle after this one.",
              file=sys.stderr)
        return 2
    if args.next_start is not None and args.next_end <= args.next_start:
        print(f"--next-end {args.next_end} must be after --next-start {args.next_start}.", file=sys.stderr)
        return 2
    store = open_store(args)
    try:
        result = lessons(store, args.team, args.cycle, as_of(args), next_name=args.next_cycle,
                         next_start=args.next_start, next_end=args.next_end)
    except PlanningUnavailable as problem:
        print(str(problem), file=sys.stderr)
        return 1
    if args.out:
        try:
            Path(args.out).write_bytes(draft_csv(result["draft"]))
        except OSError as exc:
            print(f"{args.out}: cannot be written ({exc.strerror}).", file=sys.stderr)
            return 2
        print(f"Draft OKR file of {result['next_cycle']} ({result['next_start']} – {result['next_end']}) written to "
              f"{args.out}: {len(result['draft'])} key results. Review it, then: python -m analytics import {args.out}",
              file=sys.stderr if args.json else sys.stdout)
    if args.json:
        emit(args, lessons_json(result))
        return 0
    state = "provisional, the cycle is still running" if result["provisional"] else "closed"
    print(f"Lessons of {result['team']} · {result['cycle']} ({state})")
    emit(args, None, result["key_results"][["kr_id", "kr_type", "start_value", "target_value", "final_value",
                                            "status_at_close", "achieved_change", "planned_change", "ambition_ratio",
                                            "ambition_reading", "realistic_target"]])
    for kind in result["sprint_types"]:
        movers = ", ".join(f"{kr['kr_id']} ({kr['change_per_unit']:+.2f} per unit)" for kr in kind["key_results"])
        say_do = "–" if kind["say_do_mean"] is None else f"{kind['say_do_mean']:.0%}"
        print(f"{kind['sprint_type'] or '(no type)'}: {kind['sprints']} sprints, mean say/do {say_do}; "
              f"moved most: {movers or 'none'}")
    for action in result["open_retro_actions"]:
        print(f"open retro action ({action['sprint']}): {action['action']}")
    return 0
