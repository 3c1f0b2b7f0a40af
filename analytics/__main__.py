"""The headless command line: ``python -m analytics <command>`` (contract: CLI.md).

This entry point is the one place in ``analytics`` that touches the store and the terminal; the
metric modules it calls stay pure.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd


def _store(args):
    """The store named by --db, DASHBOARD_DB or the default; waits (printing progress on stderr)
    while another program, e.g. the dashboard, is using the file."""
    from data.settings import setting
    from data.store import Store

    def waiting(seconds: float) -> None:
        print(f"waiting for the store: another program is using it … {seconds:.0f} s "
              f"(gives up after {setting('DASHBOARD_LOCK_TIMEOUT'):g} s, setting DASHBOARD_LOCK_TIMEOUT)",
              file=sys.stderr, flush=True)
    return Store(args.db or os.environ.get("DASHBOARD_DB") or setting("DASHBOARD_DB"), on_wait=waiting)


_INVISIBLE = dict.fromkeys(
    [code for code in range(0x20) if code not in (0x09, 0x0A)] + list(range(0x7F, 0xA0))
    + [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def terminal_safe(text: str) -> str:
    """Text as the terminal may print it: control characters (escape sequences that move the cursor,
    recolour, retitle or clear the terminal; carriage returns that overwrite a line) and bidi
    overrides removed; tab and line feed kept. Every non-JSON line the command line prints
    passes here (``_Printable``), so every table cell and every message is covered."""
    return text.translate(_INVISIBLE)


class _Printable:
    """A text stream that passes everything written through ``terminal_safe``."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _settings():
    from data.settings import setting
    return setting


def _jsonable(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _emit(args, payload, frame: pd.DataFrame | None = None) -> None:
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif frame is not None:
        if frame.empty:
            print("No data. Import files first (python -m analytics import FILE) or load the demo (python -m analytics demo).")
        else:
            with pd.option_context("display.width", 200, "display.max_columns", 40, "display.max_rows", 500):
                print(frame.to_string(index=False))
    else:
        print(json.dumps(payload, ensure_ascii=False, indent=2))


def _teams(args) -> list[str] | None:
    return [args.team] if getattr(args, "team", None) else None


def sprint_frame(store, teams, unit: str, as_of: date | None = None) -> pd.DataFrame:
    from data.service import sprint_table
    return sprint_table(store, teams, unit, as_of)


def _day(text: str) -> date:
    """An argparse type for --as-of: any date form the imports accept (2026-03-31, 31.03.2026 …).
    A bad one is argparse's usage error (exit 2, naming the option), for every command alike."""
    from data.values import parse_date
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_import(args) -> int:
    from data.errors import ImportFailed
    from data.importer import Upload, import_uploads
    uploads, sprints = [], []
    for target, paths in ((uploads, args.files), (sprints, args.sprints or [])):
        for path in paths:
            content = _read(path)
            if isinstance(content, int):
                return content
            target.append(Upload(Path(path).name, content))
    day_first = {"dmy": True, "mdy": False, None: None}[args.date_order]
    try:
        mapping = _mapping(args.map)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    store = _store(args)
    try:
        # --source template: --map names our template's columns in a spreadsheet with its own headers
        ours = args.source == "template"
        result = import_uploads(store, uploads, sprints=sprints, source=args.source, team=args.team,
                                day_first=day_first, mapping=None if ours else mapping,
                                template_mapping=mapping if ours else None, save_mapping=args.save_mapping,
                                dry_run=args.dry_run)
    except ImportFailed as failure:
        print(f"Import failed: {failure.title}. Nothing was imported.", file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        if args.json:
            json.dump({"ok": False, "title": failure.title, "problems": [p.as_dict() for p in failure.problems]},
                      sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        return 1
    finally:
        store.close()
    if args.json:
        json.dump({"ok": True, **result.as_dict()}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    verb = "Would import" if args.dry_run else f"Imported (import {result.import_id})"
    for item in result.files:
        print(f"{verb}: {item.file} as {item.kind}: {item.rows} rows, {item.inserted} new, "
              f"{item.updated} updated, {item.unchanged} unchanged")
    for line in result.notes:
        print(f"note: {line}", file=sys.stderr)
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    return 0


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    """--map estimate="Custom field (QA Story Point)" --map team="Project name" → a mapping."""
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--map {pair}: write FIELD=COLUMN, e.g. --map estimate=\"Custom field (QA Story Point)\".")
        mapping[name.strip()] = column.strip()
    return mapping


def _read(path: str) -> bytes | int:
    """A file's bytes (at most DASHBOARD_MAX_UPLOAD_MB of them are read), or the exit code after
    saying why not: 2 for a path that is no readable file (/dev/zero, a FIFO, a folder), 1 for a
    file over the limit (refused like any import)."""
    from data.csvfile import FileRefused, read_file
    from data.errors import ImportFailed
    from data.settings import setting
    try:
        return read_file(path, max_bytes=int(setting("DASHBOARD_MAX_UPLOAD_MB") * 2**20))
    except FileRefused as refusal:
        print(str(refusal), file=sys.stderr)
        return 2
    except ImportFailed as failure:
        print(f"Import failed: {failure.title}. Nothing was imported.", file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1


def cmd_inspect(args) -> int:
    from data.errors import ImportFailed
    from data.importer import Upload, inspect_upload
    content = _read(args.file)
    if isinstance(content, int):
        return content
    try:
        report = inspect_upload(Upload(Path(args.file).name, content), source=args.source,
                                mapping=_mapping(args.map))
    except (ImportFailed, ValueError, OSError) as failure:
        print(str(failure), file=sys.stderr)
        return 1
    payload = vars(report)
    if args.json:
        _emit(args, payload)
    else:
        print(f"{report.file}: {report.source} export")
        for name, column in report.recognised.items():
            print(f"  {name:<16} ← {column}")
        if report.missing:
            print(f"  missing: {', '.join(report.missing)} (map them with --map FIELD=COLUMN)")
        if report.duplicates:
            print("  repeated headers: " + ", ".join(f"{h} ×{n}" for h, n in report.duplicates.items()))
        print(f"  not used: {', '.join(report.unknown) or '–'}")
    return 0


def cmd_sprints(args) -> int:
    as_of = args.as_of or date.today()
    store = _store(args)
    try:
        frame = sprint_frame(store, _teams(args), args.unit, as_of)
    finally:
        store.close()
    _emit(args, records(frame), frame.drop(columns=["goal"]))
    return 0


def cmd_summary(args) -> int:
    from analytics.sprint_metrics import team_summary
    as_of = args.as_of or date.today()
    store = _store(args)
    try:
        frame = team_summary(sprint_frame(store, _teams(args), "points", as_of), last=args.last)
    finally:
        store.close()
    _emit(args, records(frame), frame)
    return 0


def cmd_forecast(args) -> int:
    from data.service import forecast
    as_of = args.as_of or date.today()
    store = _store(args)
    try:
        frame = sprint_frame(store, _teams(args), "points", as_of)
    finally:
        store.close()
    teams = sorted(frame["team"].unique())
    if len(teams) > 1 and not args.team:
        print(f"Several teams are stored ({', '.join(teams)}); choose one with --team.", file=sys.stderr)
        return 2
    team = teams[0] if teams else args.team
    result = forecast(frame, team, backlog=args.backlog, last=args.last, trials=args.trials, seed=args.seed)
    if args.json:
        _emit(args, {k: _jsonable(v) if not isinstance(v, list) else v for k, v in result.items()})
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
    from analytics.okr_overview import okr_overview
    from data.entries import okr_frames
    setting = _settings()
    as_of = args.as_of or date.today()
    store = _store(args)
    try:
        current, versions, imports = okr_frames(store, _teams(args))
        if args.cycle:
            for name in ("key_results", "objectives"):
                current[name] = current[name][current[name]["cycle"] == args.cycle]
        view = okr_overview(current, versions, imports, as_of=as_of, behind_gap=setting("DASHBOARD_BEHIND_GAP"),
                            cadence_days=setting("DASHBOARD_CHECKIN_DAYS"))
        status, scores = view.key_results, view.objectives
    finally:
        store.close()
    if args.json:
        _emit(args, {"as_of": as_of.isoformat(), "key_results": records(status), "objectives": records(scores)})
    else:
        _emit(args, None, status[["team", "cycle", "kr_id", "kr_type", "current_value", "target_value", "progress",
                                  "expected_progress", "status", "forecast_value", "forecast_status",
                                  "status_vs_original", "revisions", "confidence", "stale"]])
        print()
        _emit(args, None, scores.drop(columns=["objective", "parent", "lessons"]))
    return 0


def cmd_checkin(args) -> int:
    from data.entries import record_checkin
    from data.errors import ImportFailed
    from data.values import parse_date
    try:
        day = parse_date(args.date) if args.date else date.today()
    except ValueError as exc:
        print(f"checkin --date: {exc}", file=sys.stderr)
        return 2
    store = _store(args)
    try:  # value and confidence are checked by the checkins template, like a file's cells
        result = record_checkin(store, args.kr_id, args.value, day=day, confidence=args.confidence,
                                comment=args.comment)
    except ImportFailed as failure:
        print(f"Check-in not recorded: {failure.title}. Nothing was imported.", file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        if args.json:
            _emit(args, {"ok": False, "title": failure.title, "problems": [p.as_dict() for p in failure.problems]})
        return 1
    finally:
        store.close()
    if args.json:
        _emit(args, {"ok": True, **result.as_dict()})
    else:
        print(f"Check-in recorded for {args.kr_id} on {day.isoformat()} (import {result.import_id}; "
              f"undo with: python -m analytics undo {result.import_id})")
    return 0


def cmd_demo(args) -> int:
    from data.demo import load_demo
    store = _store(args)
    try:
        if args.if_empty and not store.is_empty():
            print("The store already has data; the demo was not loaded.")
            return 0
        result = load_demo(store, date.today())
    finally:
        store.close()
    rows = sum(f.inserted for f in result.files)
    print(f"Demo data loaded (import {result.import_id}, {rows} rows): three teams, 48 sprints (one running and one planned per team), two OKR cycles.")
    return 0


def cmd_history(args) -> int:
    store = _store(args)
    try:
        frame = store.history()
    finally:
        store.close()
    _emit(args, records(frame), frame)
    return 0


def cmd_undo(args) -> int:
    from data.errors import UndoRefused
    store = _store(args)
    try:
        undone = store.undo(args.import_id, cascade=args.cascade)
    except UndoRefused as refusal:
        print(str(refusal), file=sys.stderr)
        return 1
    finally:
        store.close()
    if len(undone) > 1:
        print(f"Imports {', '.join(map(str, undone))} undone (newest first, in one step); "
              f"the data is as it was before import {args.import_id}.")
    else:
        print(f"Import {args.import_id} undone; the data is as it was before it.")
    return 0


def cmd_settings(args) -> int:
    from data.settings import SETTINGS, setting
    rows = pd.DataFrame([{"name": s.name, "value": str(setting(s.name)), "default": s.default, "help": s.help}
                         for s in SETTINGS])
    _emit(args, records(rows), rows)
    return 0


def cmd_backup(args) -> int:
    from data.backup import write_backup
    store = _store(args)
    try:
        manifest = write_backup(store, args.file)
    except OSError as exc:
        print(f"{args.file}: cannot be written ({exc.strerror}).", file=sys.stderr)
        return 2
    finally:
        store.close()
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    print(f"Backup written to {args.file}: {len(manifest['tables'])} tables, {rows} rows, "
          f"schema version {manifest['schema_version']}.")
    return 0


def cmd_restore(args) -> int:
    from data.backup import BackupInvalid, RestoreRefused, restore_bytes
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"{args.file}: cannot be read ({exc.strerror}).", file=sys.stderr)
        return 2
    store = _store(args)
    try:
        manifest = restore_bytes(store, data)
    except (BackupInvalid, RestoreRefused) as problem:
        print(f"{args.file}: not restored. {problem} The store is unchanged.", file=sys.stderr)
        return 1
    finally:
        store.close()
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    print(f"Restored {args.file} (written {manifest['created_at']}): {len(manifest['tables'])} tables, {rows} rows.")
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
    as_of = args.as_of or date.today()
    store = _store(args)
    try:
        if args.sprint:
            report = sprint_report(store, args.team, args.sprint, as_of=as_of, lang=args.lang)
        else:
            report = cycle_report(store, args.team, args.cycle, as_of=as_of, lang=args.lang)
    except ReportUnavailable as problem:
        print(str(problem), file=sys.stderr)
        return 1
    finally:
        store.close()
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


def parser() -> argparse.ArgumentParser:
    from data.sources import SOURCES
    tools = list(SOURCES)  # the registered tool exports (jira, azure, linear …)
    main = argparse.ArgumentParser(prog="python -m analytics", description="Sprint & OKR review dashboard, headless.")
    commands = main.add_subparsers(dest="command", required=True)

    def command(name: str, handler, help: str, json_flag: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--db", help="DuckDB file (default: $DASHBOARD_DB, else data/dashboard.duckdb)")
        if json_flag:
            sub.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        sub.set_defaults(handler=handler)
        return sub

    sub = command("import", cmd_import, "validate and import CSV files in one transaction")
    sub.add_argument("files", nargs="+", metavar="FILE")
    sub.add_argument("--team", help="team for every row (for files without a team column)")
    sub.add_argument("--source", default="auto", choices=["auto", "template", *tools])
    sub.add_argument("--sprints", action="append", metavar="FILE", help="a sprints file with the sprint calendar")
    sub.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
    sub.add_argument("--date-order", choices=["dmy", "mdy"], help="order of slashed dates like 03/04/2026")
    sub.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                     help="which column holds a field of a tool export, e.g. estimate=\"Custom field (QA Story Point)\", "
                          "team=\"Project name\", key_result=Labels; estimate= for no estimates. With --source "
                          "template: which column of your spreadsheet holds a template column, e.g. team=Mannschaft")
    sub.add_argument("--save-mapping", action="store_true", help="remember --map for this source's next imports")

    sub = command("inspect", cmd_inspect, "show how the columns of a tool export are recognised")
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--source", default="auto", choices=["auto", *tools])
    sub.add_argument("--map", action="append", metavar="FIELD=COLUMN")

    sub = command("sprints", cmd_sprints, "per-sprint metrics")
    sub.add_argument("--team")
    sub.add_argument("--unit", default="points", choices=["points", "items"])
    sub.add_argument("--as-of", metavar="DATE", type=_day, help="state of each sprint as of this day (default today)")

    sub = command("summary", cmd_summary, "team summary: velocity statistics, accuracy trend, band share")
    sub.add_argument("--team")
    sub.add_argument("--last", type=_count(1), metavar="N")
    sub.add_argument("--as-of", metavar="DATE", type=_day, help="state of each sprint as of this day (default today)")

    sub = command("forecast", cmd_forecast, "Monte Carlo forecast of the next sprint and of a backlog")
    sub.add_argument("--team")
    sub.add_argument("--last", type=_count(1), metavar="N")
    sub.add_argument("--backlog", type=_count(0, float), metavar="X")
    sub.add_argument("--trials", type=_count(1, maximum=1_000_000), metavar="N")
    sub.add_argument("--seed", type=_count(0), metavar="S")
    sub.add_argument("--as-of", metavar="DATE", type=_day, help="state of each sprint as of this day (default today)")

    sub = command("okrs", cmd_okrs, "key results and objectives as of a date")
    sub.add_argument("--team")
    sub.add_argument("--cycle", metavar="C")
    sub.add_argument("--as-of", metavar="DATE", type=_day)

    sub = command("checkin", cmd_checkin, "record one check-in (an import of one row: validated, in history, undoable)")
    sub.add_argument("kr_id", metavar="KR_ID")
    sub.add_argument("value", metavar="VALUE")
    sub.add_argument("--confidence", metavar="N", help="0–10")
    sub.add_argument("--comment", metavar="TEXT")
    sub.add_argument("--date", metavar="D", help="day of the check-in (default today)")

    sub = command("demo", cmd_demo, "load the demo data set", json_flag=False)
    sub.add_argument("--if-empty", action="store_true", help="only when nothing was ever imported")
    command("history", cmd_history, "the import history")
    sub = command("undo", cmd_undo, "undo one import", json_flag=False)
    sub.add_argument("import_id", type=int)
    sub.add_argument("--cascade", action="store_true",
                     help="also undo the later imports that depend on this one (newest first, in one step)")
    command("settings", cmd_settings, "every setting, its value and what it does")
    sub = command("report", cmd_report, "the sprint review report (--sprint) or the OKR cycle report (--cycle) "
                  "as .html or .pdf", json_flag=False)
    sub.add_argument("--team", help="the team (required with --sprint; without it the cycle report covers all teams)")
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--sprint", metavar="S")
    which.add_argument("--cycle", metavar="C")
    sub.add_argument("--as-of", metavar="DATE", type=_day, help="figures as of this day (default: today)")
    sub.add_argument("--out", required=True, metavar="FILE", help="FILE.html (interactive, offline) or FILE.pdf (A4)")
    sub.add_argument("--lang", default="en", choices=["en", "de"])
    sub = command("backup", cmd_backup, "the whole store (every table, the import history, saved mappings) "
                  "as one file", json_flag=False)
    sub.add_argument("file", metavar="FILE")
    sub = command("restore", cmd_restore, "load a backup into an empty store", json_flag=False)
    sub.add_argument("file", metavar="FILE")
    return main


def _count(minimum: float, kind=int, maximum: float | None = None):
    """An argparse type: a number of ``kind`` from ``minimum`` to ``maximum`` (else a usage error, exit 2)."""
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a {'whole ' if kind is int else ''}number") from None
        if not math.isfinite(value) or value < minimum:
            raise argparse.ArgumentTypeError(f"'{text}' must be {minimum:g} or more")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"'{text}' must be {maximum:,g} or less")
        return value
    return convert


# Exit codes (README "Command line", CLI.md): one meaning each, for scripts and schedulers.
EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE, EXIT_BUG = 0, 1, 2, 3, 4


def main(argv: list[str] | None = None) -> int:
    from data.errors import SettingInvalid, StoreBusy, StoreUnavailable
    from data.settings import check_all
    args = parser().parse_args(argv)  # bad arguments: argparse's message and exit 2
    if getattr(args, "db", None) is not None and (args.db.strip() == "" or args.db.startswith(":memory:")):
        print("--db :memory: keeps nothing between commands; give a database file.", file=sys.stderr)
        return EXIT_USAGE
    streams = sys.stdout, sys.stderr
    if not getattr(args, "json", False):
        sys.stdout = _Printable(sys.stdout)
    sys.stderr = _Printable(sys.stderr)
    try:
        if args.handler is not cmd_settings and (problems := check_all()):
            for problem in problems:
                print(problem, file=sys.stderr)
            return EXIT_USAGE
        return args.handler(args)
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return EXIT_OK
    except SettingInvalid as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except StoreBusy as busy:  # another program held the file for longer than DASHBOARD_LOCK_TIMEOUT
        print(f"{busy.title}: {busy.message} Nothing was changed.", file=sys.stderr)
        return EXIT_STORE
    except StoreUnavailable as unavailable:
        print(f"{unavailable.title}: {unavailable.message}", file=sys.stderr)
        return EXIT_STORE
    except Exception as exc:  # a bug: one line, no traceback (imports are all-or-nothing, so nothing half-written)
        print(f"Unexpected error ({type(exc).__name__}): {str(exc)[:300]}. Please report it; any import "
              "was rolled back.", file=sys.stderr)
        return EXIT_BUG
    finally:
        sys.stdout, sys.stderr = streams


if __name__ == "__main__":
    sys.exit(main())
