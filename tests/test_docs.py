"""The reference documentation in docs/ and the README stay in step with the code.

Each list checked here is read from the code (the CLI parser, the settings table, the templates,
the metric modules' field lists), so a command, option, setting, template column or metric field
added without its documentation fails a test; the helpers are also run on a parser and field lists
with one undocumented addition, to show that they do fail.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd
import pytest

from analytics import calibration, okr_metrics, okr_revisions, okr_weekly, planning, review, sprint_kr, teams
from cli import parser
from analytics.forecast import next_sprint_forecast
from analytics.sprint_metrics import SPRINT_FIELDS, SUMMARY_FIELDS
from data import sources
from data.settings import SETTINGS
from data.templates import TEMPLATES
from scripts import template_tables

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
# the modules that read and check uploaded files: a setting they use is a limit of the formats
IMPORT_MODULES = ("data/csvfile.py", "data/values.py", "data/importer.py", "data/templates.py",
                  *(f"data/sources/{path.name}" for path in sorted((ROOT / "data" / "sources").glob("*.py"))))


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def mentioned(word: str, body: str) -> bool:
    """``word`` as a whole token: '--last' is not found inside '--last-day', 'team' not in 'teams'."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", body) is not None


def quoted(word: str, body: str) -> bool:
    """``word`` in backticks, as the docs write field and column names."""
    return f"`{word}`" in body


# --- the command line ------------------------------------------------------------------------------

def subcommands(main: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in main._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def documented_names(action: argparse.Action) -> list[str]:
    """What the docs must name for one argument: every option string (``--if-empty``) or the
    positional's metavar (``FILE``, ``IMPORT_ID``), and every choice it offers."""
    if isinstance(action, argparse._HelpAction):
        return []
    names = list(action.option_strings) or [action.metavar or action.dest.upper()]
    return names + [str(choice) for choice in (action.choices or [])]


def section(body: str, command: str) -> str | None:
    """The text under the heading ``## command`` up to the next heading of that level."""
    match = re.search(rf"^## `?{re.escape(command)}`?\s*$(.*?)(?=^## |\Z)", body, re.M | re.S)
    return match.group(1) if match else None


def undocumented(main: argparse.ArgumentParser, body: str) -> list[str]:
    """Every subcommand without its own section in ``body``, and every option, positional or
    choice not named in its command's section."""
    missing = []
    for name, sub in subcommands(main).items():
        own = section(body, name)
        if own is None:
            missing.append(f"command {name}")
            continue
        missing += [f"{name} {word}" for action in sub._actions for word in documented_names(action)
                    if not mentioned(word, own)]
    return missing


def test_every_command_and_option_is_in_the_cli_reference():
    assert undocumented(parser(), text(DOCS / "cli.md")) == []


def test_the_cli_check_fails_for_an_undocumented_command_or_option():
    main = parser()
    commands = subcommands(main)
    commands["sprints"].add_argument("--frobnicate-level")
    action = next(a for a in main._actions if isinstance(a, argparse._SubParsersAction))
    action.add_parser("frobnicate")
    assert undocumented(main, text(DOCS / "cli.md")) == ["sprints --frobnicate-level", "command frobnicate"]


def test_the_cli_check_sees_options_per_command_not_anywhere_in_the_file():
    # '--cascade' is documented under undo only; moved under sprints' heading it would be missing
    main = parser()
    subcommands(main)["sprints"].add_argument("--cascade", action="store_true")
    assert undocumented(main, text(DOCS / "cli.md")) == ["sprints --cascade"]


def test_the_exit_codes_of_the_cli_reference_are_the_readme_s():
    codes = re.compile(r"^\| ([0-9]) \|", re.M)
    readme = codes.findall(section(text(README), "Command line"))
    assert readme == ["0", "1", "2", "3", "4", "5"]
    assert codes.findall(section(text(DOCS / "cli.md"), "Exit codes")) == readme


# --- settings ----------------------------------------------------------------------------------------

def limit_settings() -> list[str]:
    """The settings the import's own modules read: these bound what a file may hold."""
    source = "".join(text(ROOT / name) for name in IMPORT_MODULES)
    return [s.name for s in SETTINGS if mentioned(s.name, source)]


def test_every_setting_is_in_the_readme():
    readme = text(README)
    assert [s.name for s in SETTINGS if not mentioned(s.name, readme)] == []


def test_every_limit_setting_is_in_the_formats_reference():
    limits = limit_settings()
    # the five limits of today, found from the code (so a new limit read by the import is found too)
    assert set(limits) >= {"DASHBOARD_MAX_UPLOAD_MB", "DASHBOARD_MAX_ROWS", "DASHBOARD_MIN_YEAR",
                           "DASHBOARD_MAX_YEAR", "DASHBOARD_MAX_SPRINT_DAYS"}
    formats = text(DOCS / "formats.md")
    assert [name for name in limits if not quoted(name, formats)] == []


# --- tool exports ------------------------------------------------------------------------------------

def test_every_registered_tool_and_mappable_field_is_in_the_formats_reference():
    """The registry (data/sources) is the one list of tools: each has its bullet in the formats
    reference, and every field a mapping may name is listed there."""
    formats = text(DOCS / "formats.md")
    section = formats[formats.index("## Tool exports"):]
    section = section[:section.index("\n## ", 1)]
    missing = [name for name, source in sources.SOURCES.items() if f"- **{source.title}" not in section]
    missing += [name for name in sources.common.mappable_fields() if not quoted(name, section)]
    assert missing == []


# --- templates ---------------------------------------------------------------------------------------

def test_every_template_column_is_in_the_formats_reference_in_english_and_german():
    formats = text(DOCS / "formats.md")
    missing = [f"{t.kind}.{c.name}" for t in TEMPLATES.values() for c in t.columns if not quoted(c.name, formats)]
    missing += [f"{t.kind}.{c.name} ({c.german})" for t in TEMPLATES.values() for c in t.columns
                if not mentioned(c.german, formats)]
    missing += [t.kind for t in TEMPLATES.values() if f"### `{t.kind}`" not in formats]
    assert missing == []


def test_the_template_tables_are_the_generated_ones():
    """docs/formats.md holds exactly what scripts/template_tables.py prints: kinds, headers and
    required flags cannot drift. After changing data/templates.py run
    ``python scripts/template_tables.py --write``."""
    formats = text(DOCS / "formats.md")
    start, end = formats.index(template_tables.BEGIN), formats.index(template_tables.END) + len(template_tables.END)
    assert formats[start:end] == template_tables.tables()


def test_the_generated_table_says_kind_requirement_and_german_header_of_a_column():
    table = template_tables.table(TEMPLATES["sprint_items"])
    assert "| `item_key` | Schlüssel | text | yes | Item id, e.g. the Jira key | `NN-101` |" in table
    assert "| `done_on` | Erledigt am | date | one of `done` / `done_on` |" in table
    assert "| `estimate` | Schätzung | number ≥ 0 | no |" in table
    checkins = template_tables.table(TEMPLATES["checkins"])
    assert "| `confidence` | Zuversicht | number 0–10 | no |" in checkins


# --- metric fields -----------------------------------------------------------------------------------

def forecast_fields() -> list[str]:
    return list(next_sprint_forecast(pd.DataFrame(columns=SPRINT_FIELDS), "T"))


FIELD_LISTS = {
    "SPRINT_FIELDS": SPRINT_FIELDS,
    "SUMMARY_FIELDS": SUMMARY_FIELDS,
    "forecast": forecast_fields(),
    "review lists": list(review.LISTS) + review.ITEM_COLUMNS + review.COMPARED,
    "KR_FIELDS": okr_metrics.KR_FIELDS + ["revisions"],
    "OBJECTIVE_FIELDS": okr_metrics.OBJECTIVE_FIELDS,
    "WEEKLY_FIELDS": okr_weekly.WEEKLY_FIELDS + okr_weekly.TIMELINE_FIELDS,
    "REVISION_FIELDS": okr_revisions.REVISION_FIELDS + okr_revisions.REWORDING_FIELDS,
    "CALIBRATION_FIELDS": calibration.CALIBRATION_FIELDS + calibration.COMPARISON_FIELDS
    + calibration.ALIGNMENT_FIELDS,
    "LINK_FIELDS": sprint_kr.LINK_FIELDS,
    "teams COMPARISON_FIELDS": teams.COMPARISON_FIELDS,
    "planning": planning.COACH_FIELDS + planning.DRIVER_FIELDS + planning.DRIVER_SPRINT_FIELDS
    + planning.LESSON_FIELDS + ["ambition_reading", "say_do_mean"],
}


@pytest.mark.parametrize("name", FIELD_LISTS)
def test_every_metric_field_is_in_the_metrics_reference(name):
    metrics = text(DOCS / "metrics.md")
    assert [field for field in FIELD_LISTS[name] if not quoted(field, metrics)] == []


def test_the_field_check_fails_for_an_undocumented_field():
    metrics = text(DOCS / "metrics.md")
    fields = [*SPRINT_FIELDS, "velocity_wobble"]
    assert [field for field in fields if not quoted(field, metrics)] == ["velocity_wobble"]


def test_the_sprint_and_summary_fields_are_defined_in_their_own_tables():
    """Not merely named somewhere: each has a row of its section's table."""
    metrics = text(DOCS / "metrics.md")
    for heading, fields in (("Sprint fields", SPRINT_FIELDS), ("Team summary", SUMMARY_FIELDS)):
        rows = "\n".join(line for line in section(metrics, heading).splitlines() if line.startswith("| `"))
        assert [field for field in fields if not quoted(field, rows)] == [], heading


# --- links ------------------------------------------------------------------------------------------

def without_code(body: str) -> str:
    """Markdown outside fenced code blocks (a '# comment' in a shell example is no heading)."""
    return re.sub(r"^```.*?^```", "", body, flags=re.M | re.S)


def anchors(body: str) -> set[str]:
    """GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces to
    hyphens, '-1', '-2' … for repeats."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", without_code(body), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        candidate, number = slug, 0
        while candidate in found:
            number += 1
            candidate = f"{slug}-{number}"
        found.add(candidate)
    return found


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", without_code(text(path))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: … are not files of the project
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{path.name}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(text(linked)):
            broken.append(f"{path.name}: {target} (no such heading)")
    return broken


def test_every_relative_link_of_the_readme_and_the_docs_points_to_a_file_and_heading():
    pages = [README, *sorted(DOCS.glob("*.md"))]
    assert {page.name for page in pages} >= {"README.md", "metrics.md", "formats.md", "cli.md"}
    assert [problem for page in pages for problem in broken_links(page)] == []


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "there.md").write_text("# A heading\n\n## Sprint ↔ key result\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[ok](there.md#a-heading) [ok](there.md#sprint--key-result) [web](https://example.org/x)\n"
                    "[gone](missing.md) [no heading](there.md#nowhere)\n```\n[in code](ignored.md)\n```\n",
                    encoding="utf-8")
    assert broken_links(page) == ["page.md: missing.md (no such file)", "page.md: there.md#nowhere (no such heading)"]


def test_the_readme_links_the_three_references():
    readme = text(README)
    for name in ("docs/metrics.md", "docs/formats.md", "docs/cli.md"):
        assert f"]({name})" in readme, name
