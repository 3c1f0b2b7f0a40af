"""Every page in Streamlit's AppTest, on an empty store and on the demo store, and the behaviours
that matter: the team choice across pages, upload, a refused upload, undo, the language switch."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from analytics.sprint_metrics import sprint_metrics
from data.importer import import_uploads
from data.store import Store
from tests.support import TODAY, chart_prefetches, charts, choose_tab, snapshot, static_tables, upload

PAGES = ["pages/home.py", "pages/import.py", "pages/sprint_review.py", "pages/retrospective.py", "pages/okrs.py",
         "pages/teams.py"]
SPRINTS = "team,sprint,start_date,end_date,committed,completed\nNord,S1,2026-01-05,2026-01-16,20,18\n"


@pytest.fixture
def demo(demo_dashboard):
    return demo_dashboard


def open_page(page: str = "pages/home.py") -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    if page != "pages/home.py":
        at.switch_page(page).run()
    return at


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_store(db_path, page):
    at = open_page(page)
    assert not at.exception
    if page == "pages/import.py":
        assert at.file_uploader(key="uploads") is not None
    else:
        assert "No data yet" in at.info[0].value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo_store(demo, page):
    at = open_page(page)
    assert not at.exception
    assert not at.error
    assert at.title[0].value


def test_empty_store_offers_the_demo_and_loads_it(db_path):
    at = open_page()
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert len(at.metric) > 0
    store = Store(db_path)
    assert store.teams() == ["Key Account Automotive", "Neukunden Nord", "Pipeline Süd"]
    store.close()


def test_home_shows_the_latest_closed_sprint_and_keeps_the_running_one_out_of_alerts(demo):
    store = Store(demo)
    metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items"), as_of=TODAY)
    store.close()
    at = open_page()
    latest = metrics[metrics["state"] == "closed"].groupby("team").tail(1)
    running = metrics[metrics["state"] == "running"]
    assert len(running) == 3  # the demo has one sprint running per team …
    assert [t for t in texts(at) if " · " in t] == [f"{row.team} · {row.sprint}" for row in latest.itertuples()]
    assert [t.split(" until ")[0] for t in texts(at) if t.startswith("Running now")] == \
        [f"Running now: {sprint}" for sprint in running["sprint"]]
    assert [m.value for m in at.metric if m.label == "Committed"] == [f"{v:g}" for v in latest["committed"]]
    attention = at.dataframe[0].value  # shown with human labels: Team / What / Detail
    assert list(attention.columns) == ["Team", "What", "Detail"]
    assert attention["What"].str.contains("Key result stale").any()
    streak = attention[attention["What"].str.startswith("Say/do out of band")]
    # … and Pipeline Süd's alert is made of its last three closed sprints, never the running PS Sprint 15
    assert len(streak) == 1 and streak["Team"].tolist() == ["Pipeline Süd"]
    assert streak["Detail"].iloc[0].startswith("PS Blitz 12, PS Sprint 13, PS Sprint 14: ")
    assert not streak["Detail"].str.contains("|".join(running["sprint"])).any()


def test_the_team_choice_narrows_every_page_and_survives_switching(demo):
    at = open_page()
    at.multiselect(key="teams_widget").set_value(["Pipeline Süd"]).run()
    assert [t.split(" · ")[0] for t in texts(at) if " · " in t] == ["Pipeline Süd"]
    at.switch_page("pages/retrospective.py").run()
    assert at.selectbox(key="retro_team").options == ["Pipeline Süd"]
    at.switch_page("pages/sprint_review.py").run()
    assert {option.split(" · ")[0] for option in at.selectbox(key="review_sprint").options} == {"Pipeline Süd"}


def test_upload_validate_and_import_through_the_import_page(db_path):
    at = open_page("pages/import.py")
    at.file_uploader(key="uploads").set_value([("sprints.csv", SPRINTS.encode(), "text/csv")]).run()
    assert not at.exception and not at.error
    detected = at.dataframe[0].value  # labelled and formatted for people
    assert detected[["File", "Kind", "Rows", "New"]].values.tolist() == [["sprints.csv", "sprints", "1", "1"]]
    store = Store(db_path)
    assert not store.has_data()  # validated, not yet imported
    store.close()
    at.button(key="do_import").click().run()
    assert "Imported (import 1)" in at.success[0].value
    store = Store(db_path)
    assert store.current("sprints")[["team", "sprint", "completed"]].values.tolist() == [["Nord", "S1", 18.0]]
    store.close()


def test_a_refused_upload_shows_its_problems_and_changes_nothing(demo):
    store = Store(demo)
    before = snapshot(store)
    store.close()
    at = open_page("pages/import.py")
    bad = "team,sprint,start_date,end_date\nNord,S9,2026-02-09,2026-02-31\n"
    at.file_uploader(key="uploads").set_value([("bad.csv", bad.encode(), "text/csv")]).run()
    assert not at.exception
    assert "Nothing was imported" in at.error[0].value
    problems = static_tables(at)[0]  # a static table: whole messages, wrapped
    assert problems[["File", "Row", "Column", "Value"]].values.tolist() == [["bad.csv", "2", "end_date", "2026-02-31"]]
    assert problems["Problem"].tolist() == ["'2026-02-31' is not a real calendar date. Write dates as 2025-03-31 or "
                                            "31.03.2025."]
    store = Store(demo)
    assert snapshot(store) == before
    store.close()


def test_undo_needs_confirmation_and_restores_the_store(db_path):
    store = Store(db_path)
    import_uploads(store, [upload("sprints.csv", SPRINTS)])
    store.close()
    at = open_page("pages/import.py")
    assert at.button(key="do_undo").disabled  # nothing happens without the confirmation
    at.checkbox(key="undo_sure").check().run()
    at.button(key="do_undo").click().run()
    assert not at.exception
    store = Store(db_path)
    assert not store.has_data()
    assert store.history()["undone_at"].notna().all()
    store.close()


def test_the_language_switch_turns_labels_and_numbers_german(demo):
    at = open_page()
    at.sidebar.radio(key="lang_widget").set_value("de").run()
    assert at.title[0].value == "Sprint- & OKR-Review"
    labels = {m.label for m in at.metric}
    assert {"Zugesagt", "Erledigt", "Say/Do", "Genauigkeit"} <= labels
    assert all(m.value.endswith("\u00a0%") for m in at.metric if m.label == "Genauigkeit")  # 85 %, never 85%
    at.switch_page("pages/retrospective.py").run()
    assert at.title[0].value == "Retrospektive"
    assert any("Zusagegenauigkeit" in text for text in texts(at))


def test_user_text_is_shown_as_text_not_markdown(db_path):
    store = Store(db_path)
    import_uploads(store, [upload("s.csv", "team,sprint,committed,completed\n"
                                           "**Team** <b>x</b>,[Sprint](http://x),5,4\n")])
    store.close()
    at = open_page()
    assert not at.exception
    assert texts(at)[0] == "**Team** <b>x</b> · [Sprint](http://x)"
    assert all("<b>" not in m.value for m in at.markdown)


def test_home_shows_an_organisation_as_one_table_of_latest_sprints(db_path):
    """Eight teams: one row per team with its latest closed sprint, not 40 metric cards."""
    lines = ["team,sprint,start_date,end_date,committed,completed"]
    for number in range(1, 9):
        lines += [f"Team {number},S1,2026-10-05,2026-10-16,10,{number}",
                  f"Team {number},S2,2026-10-19,2026-10-30,20,{10 + number}",
                  f"Team {number},S3,2026-11-23,2026-12-04,20,0"]  # running on 2026-11-25
    store = Store(db_path)
    import_uploads(store, [upload("org.csv", "\n".join(lines) + "\n")])
    store.close()
    at = open_page()
    at.sidebar.date_input(key="as_of_widget").set_value(date(2026, 11, 25)).run()
    assert not at.exception and len(at.metric) == 0  # no metric cards (and no OKR cycle here)
    latest = static_tables(at)[0]  # static, in the order of team names: not a sortable league table
    assert list(latest.columns) == ["Team", "Sprint", "Committed", "Completed", "Say/do", "Accuracy",
                                    "Per working day", "Running now", "Pooled accuracy", "Sprints pooled",
                                    "Accuracy trend", "Range"]
    assert list(latest["Team"]) == [f"Team {number}" for number in range(1, 9)]
    row = latest[latest["Team"] == "Team 3"].iloc[0]
    assert (row["Sprint"], row["Committed"], row["Completed"], row["Say/do"], row["Running now"]) == (
        "S2", "20", "13", "65%", "S3")
    # two closed sprints: no pooled figure (it needs 3); accuracy 3 / 10 = 30 % then 13 / 20 = 65 %: improving
    assert (row["Pooled accuracy"], row["Sprints pooled"], row["Accuracy trend"], row["Range"]) == (
        "", "2", "improving", "S1 – S2")


def test_okr_details_show_one_key_result_at_a_time_the_urgent_first(demo):
    """Every key result's charts at once took seconds per rerun at 200 key results (issue 12)."""
    at = choose_tab(open_page("pages/okrs.py"), "okr_tab", "Key results in detail")
    assert not at.exception
    picker = next(box for box in at.selectbox if box.key.startswith("detail_kr_"))
    first, last = picker.options[0], picker.options[-1]
    assert "at risk" in first or "behind" in first or "⚠" in first  # the demo has key results off track
    chosen = [t.value for t in at.text if t.value.count(" · ") == 2]
    assert len(chosen) == 1 and chosen[0].split(" · ")[1] == first.split(" · ")[0]
    other = last.split(" · ")[0]
    picker.set_value(other).run()
    assert not at.exception
    chosen = [t.value for t in at.text if t.value.count(" · ") == 2]
    assert len(chosen) == 1 and chosen[0].split(" · ")[1] == other


def test_the_okrs_page_draws_only_its_open_tab(demo):
    """The tabs of the OKRs page: the weekly is open and drawn, the details of a key result (two charts,
    a timeline) only once chosen."""
    at = open_page("pages/okrs.py")
    outside = len(charts(at))  # the charts around the tabs
    assert at.text_input(key="checkin_value") is not None  # the weekly's check-in form
    assert not [box for box in at.selectbox if box.key.startswith("detail_kr_")]
    choose_tab(at, "okr_tab", "Key results in detail")
    assert not at.exception
    assert len(charts(at)) == outside + 2  # the key result's trend and its confidence
    assert not [field for field in at.text_input if field.key == "checkin_value"]
    at.run()  # another run keeps the tab open
    assert len(charts(at)) == outside + 2


def test_the_teams_charts_show_a_page_of_teams_and_the_table_every_team(db_path):
    """Ten teams: the table has all ten; the status bars and the velocity charts the page chosen —
    teams 1–8 first, then 9–10 (a chart of 500 teams' bars was 28,000 px tall)."""
    import json
    names = [f"Team {n:02d}" for n in range(1, 11)]
    sprints = "team,sprint,start_date,end_date,committed,completed\n" + "".join(
        f"{team},S1,2026-11-02,2026-11-13,10,8\n{team},S2,2026-11-16,2026-11-27,10,9\n" for team in names)
    okrs = "team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value\n" + "".join(
        f"{team},Q4,2026-10-01,2026-12-31,O{n},Grow,K{n},Deals,0,10\n" for n, team in enumerate(names))
    store = Store(db_path)
    import_uploads(store, [upload("sprints.csv", sprints), upload("okrs.csv", okrs)])
    store.close()

    def charted(at: AppTest) -> tuple[set, set]:
        bars, multiples = (chart["figure"] for chart in charts(at)[:2])
        return ({y for trace in bars["data"] for y in trace["y"]},
                {trace["name"] for trace in multiples["data"] if trace.get("name") in names}
                or {text["text"] for text in multiples["layout"].get("annotations", []) if text["text"] in names})

    at = open_page("pages/teams.py")
    assert not at.exception
    assert list(static_tables(at)[0]["Team"]) == names  # the fixed table of every team
    assert charted(at) == (set(names[:8]), set(names[:8]))
    at.selectbox(key="teams_page").select(1).run()
    assert not at.exception
    assert charted(at) == (set(names[8:]), set(names[8:]))


def test_a_page_keeps_nothing_of_its_run_once_the_session_moves_on(demo):
    """Issue 21: Streamlit keeps a widget's format_func and callbacks for the rest of the session,
    and a lambda made in a page kept that page's whole namespace alive with them: after a 100k-row
    import, the upload's bytes, reading and parse (50 MB of the server's, for good). Every page is
    visited with its pickers drawn (ten more teams, imported on the Import page, give the Teams page
    its pages of teams), then Home: no page's namespace and no upload is left in the process."""
    import gc
    import types
    from pathlib import Path

    from data.importer import Upload
    sprints = "team,sprint,start_date,end_date,committed,completed\n" + "".join(
        f"Team {n:02d},S1,2026-11-02,2026-11-13,10,8\n" for n in range(1, 11))
    at = open_page("pages/import.py")
    at.file_uploader(key="uploads").set_value([("ten.csv", sprints.encode(), "text/csv")]).run()
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 2)" in s.value for s in at.success)
    pickers = {"pages/sprint_review.py": ["review_sprint"], "pages/okrs.py": ["checkin_kr"],
               "pages/teams.py": ["teams_page"]}
    for page in PAGES[2:]:
        at.switch_page(page).run()
        assert not at.exception
        drawn = {box.key for box in at.selectbox}
        assert set(pickers.get(page, [])) <= drawn, page
    at.switch_page("pages/home.py").run()
    assert not at.exception
    # what the session holds: everything reachable from its state, short of modules' namespaces (a
    # page's namespace is one, and is noted where it is found)
    pages, namespaces, uploads = Path(__file__).resolve().parent.parent / "pages", [], 0
    seen, todo = set(), [at.session_state]
    while todo:
        thing = todo.pop()
        if id(thing) in seen or isinstance(thing, types.ModuleType):
            continue
        seen.add(id(thing))
        if isinstance(thing, dict) and "__builtins__" in thing:  # a module's (or a page run's) namespace
            if Path(str(thing.get("__file__", ""))).parent == pages:
                namespaces.append(Path(thing["__file__"]).name)
            continue
        uploads += isinstance(thing, Upload)
        todo.extend(gc.get_referents(thing))
    assert len(seen) > 1000  # the walk went through the session's widgets
    assert namespaces == [] and uploads == 0


def test_the_warm_up_reads_each_pages_imports_without_building_a_syntax_tree(monkeypatch, caplog):
    """The warm-up thread runs beside the first page's script, which Streamlit compiles with ast.parse.
    On Python 3.11 two threads in ast.parse at once can make the page fail ("AST constructor recursion
    depth mismatch" — it did, in CI), so the warm-up reads the imports with a pattern and never parses."""
    import ast
    import logging
    from pathlib import Path

    import ui

    pages = sorted(Path(ui.__file__).resolve().parent.joinpath("pages").glob("*.py"))
    for page in pages:  # the pattern finds exactly the absolute imports a syntax tree names, in order
        expected = []
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                expected.append(node.module)
            elif isinstance(node, ast.Import):
                expected += [alias.name for alias in node.names]
        assert ui.page_imports(page.read_text(encoding="utf-8")) == list(dict.fromkeys(expected)), page.name
    assert ui.page_imports("import numpy as np, os.path\nfrom . import x\nfrom .y import z\n"
                           "def f():\n    from data.reports import (a,\n        b)\n# import nothing\n") == [
        "numpy", "os.path", "data.reports"]

    parsed = []
    with monkeypatch.context() as patch, caplog.at_level(logging.DEBUG, logger="dashboard"):
        patch.setattr(ast, "parse", lambda *args, **kwargs: parsed.append(args))
        ui._warm()  # what the thread runs, here in the test's thread
    assert parsed == []
    assert not [r for r in caplog.records if r.message == "warm-up stopped"]


def test_the_pages_are_compiled_without_magic_and_need_none():
    """The project's Streamlit configuration turns magic off (a page's first run compiles it without
    rewriting its syntax tree), and no page or the entry point has a bare expression that magic would
    have written to the page: each would now silently show nothing."""
    import ast
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    read = subprocess.run([sys.executable, "-c", "from streamlit import config; print(config.get_option('runner.magicEnabled'))"],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert read.stdout.split()[-1] == "False", read.stderr
    for script in [root / "dashboard.py", *sorted((root / "pages").glob("*.py"))]:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0]) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        bare = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Expr) and id(node) not in docstrings
                and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))]
        assert bare == [], f"{script.name}: bare expressions on lines {bare}"


def test_after_the_warm_up_the_collector_no_longer_visits_the_loaded_code():
    """Streamlit collects garbage after every script run; the warm-up moves what the process has
    loaded by then out of the collector's sight, so that collection visits only what the pages made
    since. In a process of its own: freezing is for a server's lifetime, not for the test runner's."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import gc, ui\n"
            "from plotly.graph_objects import Figure\n"
            "seen = lambda: any(o is Figure for o in gc.get_objects())\n"
            "before, figure_before = len(gc.get_objects()), seen()\n"
            "ui._warm_process()\n"
            "print(before, len(gc.get_objects()), gc.get_freeze_count(), figure_before, seen())\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    before, tracked, frozen, figure_before, figure_after = result.stdout.split()
    # what was loaded before (streamlit, pandas, plotly's figure class) and what the warm-up loads
    # (the pages' modules, plotly's validators): frozen, next to nothing left in the generations
    assert int(frozen) > int(before) > 10 * int(tracked)
    assert (figure_before, figure_after) == ("True", "False")


@pytest.mark.parametrize("page, eager", [("pages/sprint_review.py", True), ("pages/retrospective.py", True),
                                         ("pages/teams.py", True), ("pages/home.py", None),
                                         ("pages/okrs.py", None)])
def test_pages_with_charts_load_the_chart_code_first(demo, page, eager):
    """A page with charts has the browser import plotly's code at its top, right after its title and
    before its own elements (at once, not when the browser is idle); Home has no chart and leaves it out (a link to
    Home would wait for it); the OKRs page shows its charts only for a chosen key result and leaves
    the code to them."""
    at = open_page(page)
    assert not at.exception
    prefetches = chart_prefetches(at)
    if eager is None:
        assert prefetches == []
        return
    assert prefetches == [{"when": "now" if eager else "idle"}]
    if eager:  # in the main area: the page's title (and caption), then the prefetch, then the page's own elements
        order = [node.type for node in in_order(at.main)
                 if node.type not in ("flex_container", "vertical_block", "element_container")]
        assert order[0] == "title" and set(order[1:order.index("bidi_component")]) <= {"caption"}, order[:4]
        first = next(node for node in in_order(at.main) if node.type == "bidi_component")
        assert first.proto.component_name == "dashboard_chart_code"  # not a chart of the page's own


@pytest.mark.parametrize("page", ["pages/sprint_review.py", "pages/retrospective.py", "pages/teams.py"])
def test_a_chart_page_on_an_empty_store_loads_no_chart_code(db_path, page):
    """No data, no chart: the page shows its empty state and the browser loads no plotly for it."""
    at = open_page(page)
    assert not at.exception and "No data yet" in at.info[0].value
    assert chart_prefetches(at) == [] and charts(at) == []


def in_order(node):
    """The elements under an AppTest block, in the page's order."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from in_order(child)


def test_after_the_warm_up_large_freed_blocks_go_back_to_the_system():
    """The server's warm-up fixes glibc's mmap threshold (``ui.give_back_freed_memory``): blocks of
    a column's size are mapped on their own and given back when freed. glibc's default raises the
    threshold to the largest block freed so far; blocks below it then come from the heap and stay
    with the process when freed between smaller objects that live on. Both in a process of their
    own, the blocks in a thread (a fresh arena: the same layout in every run): one 8 MiB block
    freed, then 32 blocks of 1 MiB with a small object after each, then the blocks freed."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, threading, ui\n"
            "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * 4096\n"
            "if sys.argv[1] == 'warm':\n"
            "    ui.warm_up()\n"
            "    [t.join() for t in threading.enumerate() if t.name == 'dashboard-warm-up']\n"
            "given = []\n"
            "def work():\n"
            "    big = bytearray(b'x') * (8 << 20)\n"
            "    del big\n"
            "    blocks, small = [], []\n"
            "    for _ in range(32):\n"
            "        blocks.append(bytearray(b'x') * (1 << 20))\n"
            "        small.append(bytearray(b'y') * 4000)\n"
            "    before = rss()\n"
            "    del blocks\n"
            "    given.append((before - rss()) >> 20)\n"
            "thread = threading.Thread(target=work)\n"
            "thread.start()\n"
            "thread.join()\n"
            "print(given[0])\n")
    given = {}
    for mode in ("cold", "warm"):
        result = subprocess.run([sys.executable, "-c", code, mode], cwd=Path(__file__).resolve().parent.parent,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        given[mode] = int(result.stdout.split()[-1])
    # MiB given back of the 32 freed: none by glibc's default, all after the warm-up. The resident
    # size also moves with what the process's other threads free meanwhile: a MiB either way (the
    # full suite once saw 33)
    assert given["cold"] <= 1 and 32 <= given["warm"] <= 33, given
