"""Issue 11: a seeded fuzz test. Good files of every kind (the six templates in English and German,
the Jira, Azure DevOps and Linear fixtures) are mutated — bytes flipped, cut, cells inserted
(quotes, delimiters, NULs, a huge cell, odd numbers and dates), lines repeated or dropped, other
encodings — and imported. Every input is either accepted or refused with ``ImportFailed`` naming
the file; nothing else is raised, and a refused import leaves the store byte for byte as it was.

``FUZZ_EXAMPLES`` sets the number of inputs (default 250, about 30 s); the closing note of issue 11
quotes a run with FUZZ_EXAMPLES=2000."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.errors import ImportFailed
from data.importer import Upload, import_uploads, inspect_upload
from data.store import Store
from tests.support import snapshot

ROOT = Path(__file__).resolve().parent.parent
GOOD = sorted([*(ROOT / "assets" / "templates").glob("*.csv"), *(ROOT / "tests" / "fixtures" / "tool_exports").glob("*.csv"),
               *(ROOT / "tests" / "fixtures" / "exports").glob("*.csv")])
CONTENT = {path.name: path.read_bytes() for path in GOOD}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "250"))

INSERTS = [b'"', b'""', b'",', b",", b";", b"\t", b"\x00", b"\r", b"\n", b"\r\n", b'"\n"', b"x" * 140_000,
           b"\xff\xfe", b"\xef\xbb\xbf", b"\xe2\x80\xae", b"\x1b[31m", b"=cmd|' /C calc'!A0", b"9" * 400,
           b"inf", b"-Infinity", b"nan", b"0001-01-01", b"9999-12-31", b"2026-03-02T99:99:99", b"31.02.2026",
           b"1e309", b"Sprint@x[startDate=garbage]", "Ümläut €".encode("cp1252"), b"\x80\x81\x8d"]


def _at(data: bytes, fraction: float) -> int:
    return int(fraction * len(data))


MUTATIONS = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("cut"), st.floats(0, 1)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(INSERTS)),
    st.tuples(st.just("drop"), st.floats(0, 1), st.integers(1, 200)),
    st.tuples(st.just("repeat_line"), st.floats(0, 1)),
    st.tuples(st.just("encode"), st.sampled_from(["utf-16", "utf-16-le", "cp1252", "latin-1", "utf-8-sig"])),
)


def mutate(data: bytes, mutation: tuple) -> bytes:
    kind = mutation[0]
    if kind == "flip" and data:
        at = min(_at(data, mutation[1]), len(data) - 1)
        return data[:at] + bytes([mutation[2]]) + data[at + 1:]
    if kind == "cut":
        return data[:_at(data, mutation[1])]
    if kind == "insert":
        at = _at(data, mutation[1])
        return data[:at] + mutation[2] + data[at:]
    if kind == "drop":
        at = _at(data, mutation[1])
        return data[:at] + data[at + mutation[2]:]
    if kind == "repeat_line":
        lines = data.split(b"\n")
        at = min(_at(lines, mutation[1]), len(lines) - 1)
        return b"\n".join(lines[:at + 1] + lines[at:])
    if kind == "encode":
        return data.decode("utf-8", errors="replace").encode(mutation[1], errors="replace")
    return data


COUNTS = {"inputs": 0, "accepted": 0, "refused": 0}
EMPTY: list[Path] = []  # one new store, made (and migrated) once; each input is imported into a copy


def empty_store(folder: Path) -> Store:
    """A new, empty store in ``folder``: a copy of one made once per process (making and migrating
    a store took half of each input's time)."""
    if not EMPTY:
        home = tempfile.mkdtemp(prefix="fuzz")
        atexit.register(shutil.rmtree, home, True)
        Store(Path(home) / "empty.duckdb").close()
        EMPTY.append(Path(home) / "empty.duckdb")
    copy = folder / "fuzz.duckdb"
    shutil.copyfile(EMPTY[0], copy)
    return Store(copy)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=st.sampled_from(sorted(CONTENT)), mutations=st.lists(MUTATIONS, min_size=1, max_size=3),
       team=st.sampled_from([None, "Fuzz"]))
def test_mutated_files_are_accepted_or_refused_cleanly(name, mutations, team):
    data = CONTENT[name]
    for mutation in mutations:
        data = mutate(data, mutation)
    COUNTS["inputs"] += 1
    with tempfile.TemporaryDirectory() as folder:
        store = empty_store(Path(folder))
        before = snapshot(store)
        try:
            inspect_upload(Upload(name, data))  # the Import page's first look at a tool export
        except ImportFailed:
            pass
        try:
            import_uploads(store, [Upload(name, data)], team=team)
        except ImportFailed as failure:
            COUNTS["refused"] += 1
            assert failure.problems and all(p.file for p in failure.problems)
            assert snapshot(store) == before  # refused: not one row written, not even the log
        else:
            COUNTS["accepted"] += 1
            assert store.integrity_problems() == []


def test_the_fuzz_run_both_accepted_and_refused():
    """The seeded run is not vacuous: some mutants are still good files, most are refused."""
    if COUNTS["inputs"] == 0:  # run alone
        test_mutated_files_are_accepted_or_refused_cleanly()
    print(f"fuzz: {COUNTS}")  # shown with -s
    assert COUNTS["inputs"] >= EXAMPLES and COUNTS["accepted"] > 0 and COUNTS["refused"] > 0, COUNTS
