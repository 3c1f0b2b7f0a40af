"""The commands that show figures, computed through ``data.service`` exactly as the pages compute
them: ``sprints``, ``summary``, ``forecast``, ``okrs`` and the ``report`` files."""
from __future__ import annotations

import sys
from pathlib import Path

from cli.common import as_of, open_store, teams
from cli.output import emit, jsonable, records


def cmd_sprints(args) -> int:
    from data.service import sprint_table
    day = as_of(args)
    store = open_store(args)
    frame = sprint_table(store, teams(args), args.unit, day)
    emit(args, records(frame), frame.drop(columns=["goal"]))
    return 0


def cmd_summary(args) -> int:
    from data.service import summary
    day = as_of(args)
    store = open_store(args)
    frame = summary(store, teams(args), day, last=args.last)
    emit(args, records(frame), frame)
    return 0


def cmd_forecast(args) -> int:
    from data.service import forecast, sprint_table
    day = as_of(args)
    store = open_store(args)
    frame = sprint_table(store, teams(args), "points", day)
    stored = sorted(frame["team"].unique())
    if len(stored) > 1 and not args.team:
        print(f"Several teams are stored ({', '.join(stored)}); choose one with --team.", file=sys.stderr)
        return 2
    team = stored[0] if stored else args.team
    result = forecast(frame, team, backlog=args.backlog, last=args.last, trials=args.trials, seed=args.seed)
    if args.json:
        emit(args, {k: jsonable(v) if not isinstance(v, list) else v for k, v in result.items()})
    elif result["reason"] and result["velocity_p50"] is None:
        print(result["reason"])
    else:
        basis = {"same_type": f"its last {result['sprints_used']} closed {result['next_type']} sprints",
                 "all_types": f"its last {result['sprints_used']} closed sprints of all types "
                              f"(fewer than 3 of type {result['next_type']})"}[result["basis"]]
        days = f", {result['next_working_days']:g} working days" if result["per_day"] else ""
        print(f"Team {result['team']}: next sprint {result['next_sprint'] or '(not planned yet)'}{days}, "
              f"from {basis} ({result['trials']:,} trials, seed {result['seed']}): {', '.join(result['used'])}")
        for confidence in (50, 85, 95):
            print(f"  at least {result[f'velocity_p{confidence}']:g} with {confidence} % confidence")
        if args.backlog is not None and result["sprints_p85"] is not None:
            for confidence in (50, 85, 95):
                print(f"  backlog {args.backlog:g} done within {result[f'sprints_p{confidence}']} sprint(s) "
                      f"with {confidence} % confidence")
        if result["reason"]:
            print(result["reason"])
    return 0


def cmd_okrs(args) -> int:
    from data.service import okr_view
    day = as_of(args)
    store = open_store(args)
    view = okr_view(store, teams(args), day, cycle=args.cycle)
    status, scores = view.key_results, view.objectives
    if args.json:
        # every version of each key result, oldest first, in place of the page's count of revisions
        versions = {kr: records(group.drop(columns="kr_id")) for kr, group in view.versions.groupby("kr_id")}
        rows = [{**row, "revisions": versions.get(row["kr_id"], [])} for row in records(status)]
        emit(args, {"as_of": day.isoformat(), "key_results": rows, "objectives": records(scores)})
    else:
        emit(args, None, status[["team", "cycle", "kr_id", "kr_type", "current_value", "target_value", "progress",
                                 "expected_progress", "status", "forecast_value", "forecast_status",
                                 "status_vs_original", "revisions", "confidence", "stale"]])
        print()
        emit(args, None, scores.drop(columns=["objective", "parent", "lessons"]))
    return 0


def cmd_report(args) -> int:
    from data.pdf import RendererMissing, RenderFailed
    from data.reports import ReportUnavailable, cycle_report, render, sprint_report
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        print(f"--out {args.out}: the file name must end in .html or .pdf.", file=sys.stderr)
        return 2
    if args.sprint and not args.team:
        print("--sprint needs --team: a sprint name belongs to one team.", file=sys.stderr)
        return 2
    day = as_of(args)
    store = open_store(args)
    try:
        if args.sprint:
            report = sprint_report(store, args.team, args.sprint, as_of=day, lang=args.lang)
        else:
            report = cycle_report(store, args.team, args.cycle, as_of=day, lang=args.lang)
    except ReportUnavailable as problem:
        print(str(problem), file=sys.stderr)
        return 1
    try:
        data = render(report, "pdf" if suffix == ".pdf" else "html")
    except (RendererMissing, RenderFailed) as problem:
        html_out = Path(args.out).with_suffix(".html")
        print(f"The PDF cannot be made: {problem} The HTML report works without it: "
              f"python -m analytics report … --out {html_out.name}", file=sys.stderr)
        return 5
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        print(f"{args.out}: cannot be written ({exc.strerror}).", file=sys.stderr)
        return 2
    print(f"Report written to {args.out} ({len(data):,} bytes).")
    return 0
