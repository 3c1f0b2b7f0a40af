"""A table's texts are made once per distinct value (analytics.presentation.column_texts) and every
escaped cell is remembered (markup.md_escape): both must give exactly what formatting each value
on its own gives, including where equal values read differently (-0.0 and 0.0, equal instants in
two time zones, True and 1)."""
from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.presentation import KINDS, column_texts, present, value_text
from markup import md_escape


def _escaped_one_by_one(text) -> str:
    """md_escape as it was written before its texts were remembered: the reference."""
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))
    return re.sub(r"(?i)(?:https?|ftp)(?=\\?:)|www(?=\\?\.)|(?=@)", lambda m: m.group(0) + "\u2060", escaped)


KIND_NAMES = sorted(set(KINDS.values()) | {"text"})
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=False, width=64), st.sampled_from([0.0, -0.0, 1.0, 1, True, False, 0]),
    st.integers(-10**6, 10**6), st.text(max_size=8), st.sampled_from(["on_track", "achieved", "behind", "yes", ""]),
    st.none(), st.just(pd.NA), st.just(pd.NaT), st.just(float("nan")), st.just(np.float64("nan")),
    st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    st.sampled_from([pd.Timestamp("2026-01-01 00:30", tz="UTC"), pd.Timestamp("2026-01-01 01:30", tz="Europe/Berlin"),
                     pd.Timestamp("2026-01-01 00:30"), pd.Timestamp("2026-03-29 12:00")]),
    st.sampled_from([np.float64(-0.0), np.float64(0.0), np.float64(2.5), np.int64(3), np.bool_(True)]),
    st.lists(st.sampled_from(["a", "b"]), max_size=2))


@settings(max_examples=400, deadline=None)
@given(st.lists(VALUES, max_size=30), st.sampled_from(KIND_NAMES), st.sampled_from(["en", "de"]))
def test_texts_made_once_per_value_are_the_texts_of_each_value(values, kind, lang):
    def outcome(make):  # a value of another kind (a date as an amount) fails alike
        try:
            return make()
        except (TypeError, ValueError, ArithmeticError) as problem:
            return type(problem)
    assert outcome(lambda: column_texts(values, kind, lang)) == outcome(lambda: [value_text(v, kind, lang) for v in values])


def test_values_that_are_equal_but_read_differently_keep_their_own_texts():
    assert column_texts([0.0, -0.0, 0.0], "value") == ["0", "-0", "0"]
    assert column_texts([True, 1, 1.0, True], "count") == ["yes", "1", "1", "yes"]
    utc, berlin = pd.Timestamp("2026-01-01 00:30", tz="UTC"), pd.Timestamp("2026-01-01 01:30", tz="Europe/Berlin")
    assert utc == berlin
    assert column_texts([utc, berlin], "time") == ["2026-01-01 00:30", "2026-01-01 01:30"]
    assert column_texts([["a", "b"], ["a", "b"]], "code") == ["a, b", "a, b"]


def test_a_presented_table_reads_as_each_value_formatted_alone():
    frame = pd.DataFrame({"status": ["on_track", "behind", "on_track", None],
                          "say_do_ratio": [0.5, 0.5, -0.0, float("nan")],
                          "team": pd.Series(["Nord", "Süd", "Nord", "Nord"], dtype="string"),
                          "end_date": pd.to_datetime(["2026-01-02", "2026-01-02", None, "2026-02-01"])})
    shown = present(frame, "de")
    assert shown.to_dict("list") == {
        "Status": ["im Plan", "im Verzug", "im Plan", ""],
        "Say/Do": ["50\u00a0%", "50\u00a0%", "-0\u00a0%", ""],
        "Team": ["Nord", "Süd", "Nord", "Nord"],
        "Ende": ["02.01.2026", "02.01.2026", "", "01.02.2026"]}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.none(),
                 st.sampled_from(["http://x.y", "www.a.b", "a@b.c", "*bold* [l](u) #h", "1. item", "a|b"])))
def test_remembered_escapes_are_the_escapes(text):
    assert md_escape(text) == _escaped_one_by_one(text)
    assert md_escape(text) == _escaped_one_by_one(text)  # the second time from memory
