"""What leaves the dashboard, as Streamlit widgets: every table as .xlsx (one table, or all tables
of the page in one workbook), the review and OKR reports as HTML or PDF with progress while they
render, and the backup of the whole store. The work itself is in ``data`` (export, reports, pdf,
backup); labels come from the i18n catalog and never carry user text. ``ui`` calls these with the
page's language and store: this module never imports ``ui`` (the dependency runs one way)."""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from data.errors import in_language
from data.export import to_csv_bytes, to_xlsx_bytes
from data.importer import rejects_frame
from i18n import t
from markup import catalog_md

_TABLES = "_page_tables"  # the tables drawn during this run of the page: file name → frame
_PAGE = "_page_title"


def start_page(title_key: str) -> None:
    """Called when a page starts: forget the tables of the previous run."""
    st.session_state[_TABLES] = {}
    st.session_state[_PAGE] = title_key


def human_headers(columns, lang: str, unit: str | None = None) -> dict[str, str]:
    """The labels the page shows for the table's fields, in the user's language (amounts with the unit)."""
    from analytics.presentation import label
    return {column: label(column, lang, unit) for column in columns if isinstance(column, str)}


def workbook(tables: dict[str, pd.DataFrame | tuple[pd.DataFrame, str | None]], lang: str) -> bytes:
    """The tables as one .xlsx, one sheet each, headed as on the page; values typed and raw."""
    named = {}
    for name, entry in tables.items():
        frame, unit = entry if isinstance(entry, tuple) else (entry, None)
        named[name] = frame.rename(columns=human_headers(frame.columns, lang, unit))
    return to_xlsx_bytes(named, german=lang == "de")


def _file_stem(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", str(name), flags=re.UNICODE).strip("_") or "table"


def note_table(frame: pd.DataFrame, file_name: str, unit: str | None) -> None:
    """A table of this run of the page, for the page's workbook (``page_xlsx_download``): each table
    shown, and those a page holds without drawing them (the lists in its closed tabs)."""
    tables = st.session_state.setdefault(_TABLES, {})
    name, number = file_name, 1
    while name in tables:  # two tables under one file name keep a sheet each
        number += 1
        name = f"{file_name} ({number})"
    tables[name] = (frame, unit)


def xlsx_button(frame: pd.DataFrame, key: str, file_name: str, unit: str | None, lang: str) -> None:
    """An .xlsx download of one table (built when clicked), and the table noted for the page's workbook."""
    note_table(frame, file_name, unit)
    st.download_button(t("download_xlsx", lang), lambda: workbook({file_name: (frame, unit)}, lang),
                       file_name=f"{_file_stem(file_name)}.xlsx", key=f"{key}_xlsx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def page_xlsx_download(lang: str) -> None:
    """At the end of a page: every table it showed in one workbook, one sheet per table."""
    tables = dict(st.session_state.get(_TABLES) or {})
    if not tables:
        return
    title = t(st.session_state.get(_PAGE) or "app_title", lang)
    st.divider()
    st.download_button(t("download_page_xlsx", lang), lambda: workbook(tables, lang),
                       file_name=f"{_file_stem(title)}.xlsx", key="page_xlsx", icon=":material/table_view:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")


def report_download(store, lang: str, kind: str, team: str | None, sprint_or_cycle: str, as_of: date,
                    version: tuple) -> None:
    """Buttons that make the sprint review report (``kind='sprint'``) or the OKR cycle report
    (``kind='cycle'``) as HTML or PDF, with progress while it renders, then its download. A report
    made is offered until what it shows changes, the store's data ``version`` included (the page's,
    read at the start of its run: asking the store again opened the file a second time on every rerun)."""
    from data.errors import message_of
    from data.pdf import RenderFailed, RendererMissing
    from data.reports import ReportUnavailable, cycle_report, render, sprint_report
    wanted = (kind, team, sprint_or_cycle, as_of, lang, version)
    ready_key = f"_report_{kind}"
    ready = st.session_state.get(ready_key)
    if ready and ready[0] != wanted:
        ready = st.session_state[ready_key] = None
    st.subheader(t("report", lang))
    left, right = st.columns(2)
    chosen = "html" if left.button(t("report_html", lang), key=f"{kind}_report_html") else \
        "pdf" if right.button(t("report_pdf", lang), key=f"{kind}_report_pdf") else None
    if chosen:
        with st.status(t("report_rendering", lang), expanded=True) as status:
            bar = st.progress(0.0)
            try:
                bar.progress(0.02, t("report_rendering", lang))
                if kind == "sprint":
                    report = sprint_report(store, team, sprint_or_cycle, as_of=as_of, lang=lang)
                else:
                    report = cycle_report(store, team, sprint_or_cycle, as_of=as_of, lang=lang)
                data = render(report, chosen, progress=lambda share, _text: bar.progress(min(max(share, 0.0), 1.0)))
            except (RendererMissing, RenderFailed, ReportUnavailable) as problem:
                status.update(label=t("report_failed", lang), state="error")
                st.text(in_language(message_of(problem), lang))  # may name a team or sprint: shown as text, never Markdown
                data = None
            else:
                bar.progress(1.0)
                status.update(label=t("report_ready", lang), state="complete", expanded=False)
        if data is not None:
            ready = st.session_state[ready_key] = (wanted, chosen, data)
    if ready:
        _, fmt, data = ready
        stem = _file_stem(f"{'review' if kind == 'sprint' else 'okr'}_{team or 'all'}_{sprint_or_cycle}")
        st.download_button(t("report_html" if fmt == "html" else "report_pdf", lang), data, file_name=f"{stem}.{fmt}",
                           mime="text/html" if fmt == "html" else "application/pdf", key=f"{kind}_report_download",
                           type="primary", icon=":material/download:", on_click="ignore")


def rejects_csv(db, import_id: int) -> bytes:
    """The rows an import with --skip-invalid left out, as the CSV the Import page offers (made on
    click; a function of this module, so the button does not keep the page's namespace alive)."""
    return to_csv_bytes(rejects_frame(db.rejects(import_id)))


def backup_section(db, lang: str, on_restored) -> None:
    """The Import page's "Backup and restore": download the whole store; restore into an empty one
    (``on_restored`` then forgets what the page had cached)."""
    from data.backup import BackupInvalid, RestoreRefused, backup_bytes, restore_bytes
    from data.errors import message_of
    st.subheader(t("backup_title", lang))
    st.caption(t("backup_caption", lang))
    st.download_button(t("backup_download", lang), lambda: backup_bytes(db), file_name="dashboard-backup.zip",
                       mime="application/zip", key="backup_download", icon=":material/backup:", on_click="ignore")
    if not db.is_empty():
        st.caption(t("backup_not_empty", lang))
        return
    # restoring is rare: its uploader appears on demand, so the page's one file box stays the import's
    if not st.toggle(t("backup_restore_open", lang), key="backup_restore_open"):
        return
    upload = st.file_uploader(t("backup_upload", lang), type=["zip"], key="backup_upload")
    if upload is not None and st.button(t("backup_restore", lang), key="backup_restore", type="primary"):
        try:
            manifest = restore_bytes(db, upload.getvalue())
        except (BackupInvalid, RestoreRefused) as problem:
            st.error(t("backup_refused", lang))
            st.text(in_language(message_of(problem), lang))
            return
        on_restored()
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        st.success(catalog_md("backup_restored", lang, tables=len(manifest["tables"]), rows=f"{rows:,}"))
