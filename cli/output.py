"""What the command line prints: terminal-safe text, JSON documents and plain tables."""
from __future__ import annotations

import json
import math
import sys
from datetime import date, datetime

import numpy as np
import pandas as pd

_INVISIBLE = dict.fromkeys(
    [code for code in range(0x20) if code not in (0x09, 0x0A)] + list(range(0x7F, 0xA0))
    + [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def terminal_safe(text: str) -> str:
    """Text as the terminal may print it: control characters (escape sequences that move the cursor,
    recolour, retitle or clear the terminal; carriage returns that overwrite a line) and bidi
    overrides removed; tab and line feed kept. Every non-JSON line the command line prints
    passes here (``Printable``), so every table cell and every message is covered."""
    return text.translate(_INVISIBLE)


class Printable:
    """A text stream that passes everything written through ``terminal_safe``."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


def jsonable(value):
    """One cell as JSON: dates as ISO days, NumPy scalars as Python numbers, NaN and NA as null."""
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
    return [{k: jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def emit(args, payload, frame: pd.DataFrame | None = None) -> None:
    """``payload`` as one JSON document with --json, else ``frame`` as a plain table (or the payload
    as JSON when there is no table)."""
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


def failure_lines(verb: str, failure) -> None:
    """An ImportFailed on stderr: its title, that nothing was imported, the problems that repeat
    (one line per kind), what to do about them, then one line per problem up to SHOWN_PROBLEMS
    with how many there are (``--json`` lists every one)."""
    from data.errors import SHOWN_PROBLEMS, problem_groups
    print(f"{verb}: {failure.title}. Nothing was imported.", file=sys.stderr)
    for group in problem_groups(failure.problems):
        print(f"  {group}", file=sys.stderr)
    for hint in failure.hints:
        print(f"  {hint}", file=sys.stderr)
    for problem in failure.problems[:SHOWN_PROBLEMS]:
        print(f"  {problem}", file=sys.stderr)
    if len(failure.problems) > SHOWN_PROBLEMS:
        print(f"  ({SHOWN_PROBLEMS} of {len(failure.problems):,} problems shown; --json lists all of them)",
              file=sys.stderr)
