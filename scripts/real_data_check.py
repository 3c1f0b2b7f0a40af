"""Real sprint figures of five public Jira ecosystems through the sprint-level template path.

Reads ../shared/data/real/choetkiertikul2017_sprints.csv (when that folder exists; it is not part
of the project: no licence is stated for it), writes it as one `sprints` template CSV per run,
imports that into a temporary store and compares `say_do_ratio` and `commitment_accuracy` of every
sprint with values computed here independently, in plain Python.

    python scripts/real_data_check.py [PATH_TO_SPRINTS_CSV]
    python scripts/real_data_check.py --skip-invalid   # dated: all but the five implausibly long sprints
"""
from __future__ import annotations

import csv
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REAL = ROOT.parent / "shared" / "data" / "real" / "choetkiertikul2017_sprints.csv"


def read_real(path: Path = REAL) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def identity(row: dict) -> tuple[str, str]:
    """(team, sprint) as the template file names them: a board is a team; the sprint id keeps
    sprints of the same name on one board apart."""
    return f"{row['project']} board {row['board_id']}", f"{row['sprint_name']} (#{row['sprint_id']})"


def as_template(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["team", "sprint", "committed", "added", "removed", "completed"])
    for row in rows:
        writer.writerow([*identity(row), row["points_at_start"], row["points_added_t80"],
                         row["points_removed_t80"], row["points_delivered"]])
    return out.getvalue().encode("utf-8")


def as_dated_template(rows: list[dict], first: str = "2014-01-06") -> bytes:
    """The same sprints with a calendar: each starts on ``first`` and lasts its planned_days (the
    extract has no dates), so the five sprints planned for 718 to 5,873 days meet the 366-day limit."""
    from datetime import date, timedelta
    start = date.fromisoformat(first)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["team", "sprint", "start_date", "end_date", "committed", "added", "removed", "completed"])
    for row in rows:
        end = start + timedelta(days=max(int(row["planned_days"] or 0), 0))
        writer.writerow([*identity(row), start.isoformat(), end.isoformat(), row["points_at_start"],
                         row["points_added_t80"], row["points_removed_t80"], row["points_delivered"]])
    return out.getvalue().encode("utf-8")


def skip_invalid(path: Path = REAL) -> dict:
    """``import --skip-invalid`` of the dated sprints: how many were imported, which were left out."""
    from data.importer import Upload, import_uploads
    from data.store import Store
    rows = read_real(path)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "real.duckdb")
        result = import_uploads(store, [Upload("real_dated.csv", as_dated_template(rows))], skip_invalid=True)
        return {"sprints": len(rows), "imported": result.imported_rows, "stored": len(store.current("sprints")),
                "rejected": [(r.row, r.columns, str(r.message)) for r in result.rejects]}


def expected(row: dict) -> tuple[float | None, float | None]:
    """say/do and commitment accuracy by METRICS.md, computed without pandas."""
    committed, delivered = float(row["points_at_start"]), float(row["points_delivered"])
    if committed == 0:
        return None, None
    return delivered / committed, max(0.0, 1 - abs(delivered - committed) / committed)


def compare(rows: list[dict], metrics) -> dict:
    computed = {(r.team, r.sprint): (r.say_do_ratio, r.commitment_accuracy) for r in metrics.itertuples()}
    agree, null_both, disagree = 0, 0, []
    for row in rows:
        want = expected(row)
        got = computed.get(identity(row))
        if got is None:
            disagree.append((identity(row), want, "missing"))
            continue
        got = tuple(None if value != value else float(value) for value in got)  # NaN → None
        if want == (None, None) and got == (None, None):
            null_both += 1
        elif None not in want and None not in got and all(abs(a - b) <= 1e-12 for a, b in zip(want, got)):
            agree += 1
        else:
            disagree.append((identity(row), want, got))
    return {"sprints": len(rows), "agree": agree, "null_both": null_both, "disagree": disagree}


def run(path: Path = REAL) -> dict:
    from analytics.sprint_metrics import sprint_metrics
    from data.importer import Upload, import_uploads
    from data.store import Store

    rows = read_real(path)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "real.duckdb")
        try:
            import_uploads(store, [Upload("choetkiertikul2017_sprints_template.csv", as_template(rows))])
            metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items"))
        finally:
            store.close()
    report = compare(rows, metrics)
    report["in_band"] = int(metrics["in_band"].fillna(False).astype(bool).sum())
    report["teams"] = int(metrics["team"].nunique())
    return report


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    path = Path(arguments[0]) if arguments else REAL
    if not path.exists():
        print(f"{path} is not here; nothing to check.")
        sys.exit(0)
    if "--skip-invalid" in sys.argv:
        report = skip_invalid(path)
        print(f"{report['sprints']} sprints: {report['imported']} imported ({report['stored']} stored), "
              f"{len(report['rejected'])} left out:")
        for item in report["rejected"]:
            print("  ", *item)
        sys.exit(0 if report["imported"] + len(report["rejected"]) == report["sprints"] else 1)
    report = run(path)
    print(f"{report['sprints']} sprints on {report['teams']} boards: {report['agree']} agree exactly, "
          f"{report['null_both']} null in both (no commitment at start), {len(report['disagree'])} disagree; "
          f"{report['in_band']} sprints in the 0.8–1.0 band.")
    for item in report["disagree"][:20]:
        print("  disagree:", item)
    sys.exit(1 if report["disagree"] else 0)
