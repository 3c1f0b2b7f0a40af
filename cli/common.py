"""What every command shares: opening the store named on the command line, the team filter, and the
argparse types that turn a bad number or day into a usage error (exit 2) before anything runs."""
from __future__ import annotations

import argparse
import math
import sys
from datetime import date


def open_store(args):
    """The store named by --db, DASHBOARD_STORE, DASHBOARD_DB or the default, acting for the operator
    (--user, else the operating-system user: every write records it); waits (printing progress on
    stderr) while another program, e.g. the dashboard, is using the file, and says so on stderr when a
    write runs again after another process committed to a DuckLake store first."""
    from data.access import ScopedStore, operator
    from data.settings import lock_timeout, store_path
    from data.store import Store

    def waiting(seconds: float) -> None:
        print(f"waiting for the store: another program is using it … {seconds:.0f} s "
              f"(gives up after {lock_timeout():g} s, setting DASHBOARD_LOCK_TIMEOUT)",
              file=sys.stderr, flush=True)
    def retrying(attempt: int, limit: int) -> None:
        print(f"another import committed first: writing again on the newer data (attempt {attempt} of {limit}, "
              "setting DASHBOARD_WRITE_RETRIES)", file=sys.stderr, flush=True)
    return ScopedStore(Store(store_path(args.db), on_wait=waiting, on_retry=retrying),
                       operator(getattr(args, "user", None)))


def teams(args) -> list[str] | None:
    """--team as the list of teams a command looks at; None for every team."""
    return [args.team] if getattr(args, "team", None) else None


def as_of(args) -> date:
    """The day a command computes its figures as of (--as-of, else today)."""
    from data.service import as_of_day
    return as_of_day(args.as_of)


def day(text: str) -> date:
    """An argparse type for --as-of: any date form the imports accept (2026-03-31, 31.03.2026 …).
    A bad one is argparse's usage error (exit 2, naming the option), for every command alike."""
    from data.values import parse_date
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def count(minimum: float, kind=int, maximum: float | None = None):
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
