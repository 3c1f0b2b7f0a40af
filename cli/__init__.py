"""The headless command line, ``python -m analytics <command>`` (contract: CLI.md; reference:
docs/cli.md). ``analytics/__main__.py`` only calls ``main`` here, so ``analytics`` stays pure.

The commands live by what they do: ``cli.imports`` brings data in, ``cli.views`` shows figures
(through ``data.service``, as the pages do), ``cli.maintenance`` looks after the store, ``cli.access``
lists and changes who may see and do what; this module holds the parser, the exit codes and what
every command runs inside."""
from __future__ import annotations

import argparse
import sys

import importlib

from cli.common import count, day
from cli.output import Printable, records, terminal_safe

__all__ = ["main", "parser", "records", "terminal_safe", "EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "EXIT_STORE",
           "EXIT_BUG"]


class _Command:
    """A command's function, imported when the command runs: a process loads the modules of its own
    command only (an import needs neither the figures' nor the planning's code)."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(self.module), self.name)(args)


cmd_access, cmd_whoami = _Command("cli.access", "cmd_access"), _Command("cli.access", "cmd_whoami")
cmd_checkin, cmd_import, cmd_inspect = (_Command("cli.imports", name) for name in ("cmd_checkin", "cmd_import", "cmd_inspect"))
cmd_backup, cmd_demo, cmd_history, cmd_maintenance, cmd_restore, cmd_settings, cmd_undo = (
    _Command("cli.maintenance", name) for name in ("cmd_backup", "cmd_demo", "cmd_history", "cmd_maintenance",
                                                   "cmd_restore", "cmd_settings", "cmd_undo"))
cmd_coach, cmd_drivers, cmd_lessons = (_Command("cli.planning", name) for name in ("cmd_coach", "cmd_drivers", "cmd_lessons"))
cmd_forecast, cmd_okrs, cmd_report, cmd_sprints, cmd_summary = (
    _Command("cli.views", name) for name in ("cmd_forecast", "cmd_okrs", "cmd_report", "cmd_sprints", "cmd_summary"))


def parser() -> argparse.ArgumentParser:
    from data.sources import SOURCES
    tools = list(SOURCES)  # the registered tool exports (jira, azure, linear …)
    main = argparse.ArgumentParser(prog="python -m analytics", description="Sprint & OKR review dashboard, headless.")
    commands = main.add_subparsers(dest="command", required=True)

    def command(name: str, handler, help: str, json_flag: bool = True, writes: bool = False,
                within=commands) -> argparse.ArgumentParser:
        sub = within.add_parser(name, help=help, description=help)
        sub.add_argument("--db", help="DuckDB file or ducklake:postgres:<conninfo> (default: $DASHBOARD_STORE, "
                                         "else $DASHBOARD_DB, else store/dashboard.duckdb)")
        if json_flag:
            sub.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        if writes:
            sub.add_argument("--user", metavar="IDENTITY",
                             help="who does this, recorded in the history (default: the operating-system user)")
        sub.set_defaults(handler=handler)
        return sub

    sub = command("import", cmd_import, "validate and import CSV files in one transaction", writes=True)
    sub.add_argument("files", nargs="+", metavar="FILE")
    sub.add_argument("--team", help="team for every row (for files without a team column)")
    sub.add_argument("--source", default="auto", choices=["auto", "template", *tools])
    sub.add_argument("--sprints", action="append", metavar="FILE", help="a sprints file with the sprint calendar")
    sub.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
    sub.add_argument("--date-order", choices=["dmy", "mdy"], help="order of slashed dates like 03/04/2026")
    sub.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                     help="which column holds a field of a tool export, e.g. estimate=\"Custom field (QA Story Point)\", "
                          "team=\"Project name\", key_result=Labels; estimate= for no estimates. For a spreadsheet of "
                          "our kind: which column holds a template column, e.g. team=Mannschaft, or two joined, "
                          "team=project+board")
    sub.add_argument("--save-mapping", action="store_true", help="remember --map for this source's next imports")
    sub.add_argument("--skip-invalid", action="store_true",
                     help="import the valid rows and leave out the refused ones (kept with the import in the history)")
    sub.add_argument("--rejects", metavar="FILE", help="with --skip-invalid: write the rows left out to this CSV")

    sub = command("inspect", cmd_inspect, "show how the columns of a tool export are recognised")
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--source", default="auto", choices=["auto", *tools])
    sub.add_argument("--map", action="append", metavar="FIELD=COLUMN")

    sub = command("sprints", cmd_sprints, "per-sprint metrics")
    sub.add_argument("--team")
    sub.add_argument("--unit", default="points", choices=["points", "items"])
    sub.add_argument("--as-of", metavar="DATE", type=day, help="state of each sprint as of this day (default today)")

    sub = command("summary", cmd_summary, "team summary: velocity statistics, accuracy trend, band share")
    sub.add_argument("--team")
    sub.add_argument("--last", type=count(1), metavar="N")
    sub.add_argument("--as-of", metavar="DATE", type=day, help="state of each sprint as of this day (default today)")

    sub = command("forecast", cmd_forecast, "Monte Carlo forecast of the next sprint and of a backlog")
    sub.add_argument("--team")
    sub.add_argument("--last", type=count(1), metavar="N")
    sub.add_argument("--backlog", type=count(0, float), metavar="X")
    sub.add_argument("--trials", type=count(1, maximum=1_000_000), metavar="N")
    sub.add_argument("--seed", type=count(0), metavar="S")
    sub.add_argument("--as-of", metavar="DATE", type=day, help="state of each sprint as of this day (default today)")

    sub = command("okrs", cmd_okrs, "key results and objectives as of a date")
    sub.add_argument("--team")
    sub.add_argument("--cycle", metavar="C")
    sub.add_argument("--as-of", metavar="DATE", type=day)

    sub = command("coach", cmd_coach, "commitment coach: a suggested commitment range per sprint type")
    sub.add_argument("--team")
    sub.add_argument("--type", metavar="Y", help="only this sprint type")
    sub.add_argument("--days", type=count(0.5, float), metavar="W",
                     help="working days of the next sprint (default: the next planned sprint of the type, else the median)")
    sub.add_argument("--unit", default="points", choices=["points", "items"])
    sub.add_argument("--as-of", metavar="DATE", type=day, help="state of each sprint as of this day (default today)")

    sub = command("drivers", cmd_drivers, "which sprint work moved which key result, per KR and per sprint type")
    sub.add_argument("--team")
    sub.add_argument("--cycle", metavar="C")
    sub.add_argument("--as-of", metavar="DATE", type=day)

    sub = command("lessons", cmd_lessons, "the lessons of a cycle for the next one; --out writes the next cycle's "
                  "draft OKR file in the OKR template")
    sub.add_argument("--team", required=True)
    sub.add_argument("--cycle", metavar="C", required=True)
    sub.add_argument("--next-cycle", metavar="C2", help="name of the next cycle (default: Q1 2027 after Q4 2026, …)")
    sub.add_argument("--next-start", metavar="D", type=day, help="first day of the next cycle")
    sub.add_argument("--next-end", metavar="D", type=day, help="last day of the next cycle")
    sub.add_argument("--out", metavar="FILE", help="write the draft OKR file of the next cycle (CSV)")
    sub.add_argument("--as-of", metavar="DATE", type=day, help="figures as of this day (default today)")

    sub = command("checkin", cmd_checkin, "record one check-in (an import of one row: validated, in history, undoable)",
                  writes=True)
    sub.add_argument("kr_id", metavar="KR_ID")
    sub.add_argument("value", metavar="VALUE")
    sub.add_argument("--confidence", metavar="N", help="0–10")
    sub.add_argument("--comment", metavar="TEXT")
    sub.add_argument("--date", metavar="D", help="day of the check-in (default today)")

    sub = command("demo", cmd_demo, "load the demo data set", json_flag=False, writes=True)
    sub.add_argument("--if-empty", action="store_true", help="only when nothing was ever imported")
    command("history", cmd_history, "the import history")
    sub = command("undo", cmd_undo, "undo one import", json_flag=False, writes=True)
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
    sub.add_argument("--as-of", metavar="DATE", type=day, help="figures as of this day (default: today)")
    sub.add_argument("--out", required=True, metavar="FILE", help="FILE.html (interactive, offline) or FILE.pdf (A4)")
    sub.add_argument("--lang", default="en", choices=["en", "de"])
    sub = command("backup", cmd_backup, "the whole store (every table, the import history, saved mappings) "
                  "as one file", json_flag=False)
    sub.add_argument("file", metavar="FILE")
    sub = command("restore", cmd_restore, "load a backup into an empty store", json_flag=False, writes=True)
    sub.add_argument("file", metavar="FILE")

    sub = command("access", cmd_access, "who may see and do what: one row per grant; grant and revoke roles")
    sub.set_defaults(action=None)
    changes = sub.add_subparsers(dest="action", metavar="grant|revoke")
    grant = command("grant", cmd_access, "give an identity (an email, or group:NAME) a role for teams",
                    json_flag=False, writes=True, within=changes)
    grant.add_argument("identity", metavar="IDENTITY")
    grant.add_argument("--role", required=True, choices=["viewer", "member", "lead", "admin"])
    grant.add_argument("--team", action="append", metavar="T", help="a team, or '*' for every team (repeatable)")
    revoke = command("revoke", cmd_access, "take an identity's grants back (all of them without --team)",
                     json_flag=False, writes=True, within=changes)
    revoke.add_argument("identity", metavar="IDENTITY")
    revoke.add_argument("--team", action="append", metavar="T")
    sub = command("whoami", cmd_whoami, "what an identity (with its groups) may see and do")
    sub.add_argument("--user", required=True, metavar="EMAIL")
    sub.add_argument("--group", action="append", metavar="NAME", help="a group of its ID token (repeatable)")

    sub = command("maintenance", cmd_maintenance, "DuckLake: write inlined rows to Parquet, merge small files, "
                  "expire old snapshots and delete their files (the embedded file: a checkpoint)")
    sub.add_argument("--retention-days", type=count(0, float, 3650), metavar="DAYS",
                     help="keep snapshots and files this many days (default: $DASHBOARD_LAKE_RETENTION_DAYS)")
    return main


# Exit codes (README "Command line", CLI.md): one meaning each, for scripts and schedulers.
EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE, EXIT_BUG = 0, 1, 2, 3, 4


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code. Settings are checked first, output is made terminal-safe,
    and every failure is one line on stderr with its own exit code, never a traceback."""
    from data.access import AccessRefused
    from data.errors import SettingInvalid, StoreBusy, StoreUnavailable
    from data.settings import check_all
    args = parser().parse_args(argv)  # bad arguments: argparse's message and exit 2
    if getattr(args, "db", None) is not None and (args.db.strip() == "" or args.db.startswith(":memory:")):
        print("--db :memory: keeps nothing between commands; give a database file.", file=sys.stderr)
        return EXIT_USAGE
    streams = sys.stdout, sys.stderr
    if not getattr(args, "json", False):
        sys.stdout = Printable(sys.stdout)
    sys.stderr = Printable(sys.stderr)
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
    except AccessRefused as refused:
        print(str(refused), file=sys.stderr)
        return EXIT_REFUSED
    except StoreUnavailable as unavailable:
        print(f"{unavailable.title}: {unavailable.message}", file=sys.stderr)
        return EXIT_STORE
    except Exception as exc:  # a bug: one line, no traceback (imports are all-or-nothing, so nothing half-written)
        print(f"Unexpected error ({type(exc).__name__}): {str(exc)[:300]}. Please report it; any import "
              "was rolled back.", file=sys.stderr)
        return EXIT_BUG
    finally:
        sys.stdout, sys.stderr = streams
