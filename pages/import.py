"""Import: upload, see what was recognised, map columns, validate, import in one step; history with undo."""
from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

import downloads
import ui
from analytics.presentation import present
from data import service
from analytics.formatting import number
from data.access import AccessRefused
from data.errors import ImportFailed, UndoRefused, message_of
from data.importer import (PreparedImport, Upload, glance, inspect_template, prepare_import, rejects_frame,
                           source_of, write_import)
from data.sources import REQUIRED, inspect
from data.store import content_hash
from data.templates import FIGURES, JOIN, TEMPLATES, template_csv

AUTO, NOT_IN_FILE = "auto", "none"


def auto_label(found: str | None) -> str:
    """The 'as recognised' choice, worded apart from every column name: a label equal to a column's
    name would be read back as that column on the next rerun, changing the mapping by itself."""
    return ui.tr("auto_column", column=found) if found else ui.tr("auto_none")


def upload_widget(place):
    """The uploader, in ``place``; under a new key after each import, which makes it empty."""
    imported = st.session_state.get("uploads_imported", 0)
    return place.file_uploader(ui.tr("files"), type=["csv", "txt", "tsv"], accept_multiple_files=True,
                               key=f"uploads_{imported}" if imported else "uploads",
                               max_upload_size=max(1, round(service.max_upload_mb())))


ui.through_dashboard("pages/import.py")
st.title(ui.tr("page_import"))
st.caption(ui.tr("import_intro"))
db = ui.store()
language = ui.lang()

with st.expander(ui.tr("templates")):
    st.caption(ui.tr("templates_help"))
    columns = st.columns(2)
    for kind in TEMPLATES:
        for column, code in zip(columns, ("en", "de")):
            name = f"{kind}.csv" if code == "en" else f"{kind}_de.csv"
            # made on click: as bytes, each of the twelve would be stored for every session on every
            # rerun, and a browser opening the page fetched all twelve while the page was loading
            column.download_button(ui.md_escape(name), functools.partial(template_csv, kind, code), file_name=name,
                                   mime="text/csv", key=f"template_{kind}_{code}", on_click="ignore")

importer = ui.may("lead")  # imports and undo are for leads (data.access refuses them to anyone else too)
if importer:
    options = st.columns(2)
    team = options[0].text_input(ui.tr("team_for_files"), key="import_team").strip() or None
    # the labels are looked up now: a format_func that looked them up later would not know the language
    order_labels = {"auto": ui.tr("date_order_auto"), "dmy": "31/12/2026", "mdy": "12/31/2026"}
    order = options[1].selectbox(ui.tr("date_order"), list(order_labels), key="import_date_order",
                                 format_func=order_labels.get)
    uploader = st.empty()  # after an import (below), an empty uploader takes its place for the next files
    files = upload_widget(uploader)
else:
    st.info(ui.tr("import_leads_only"))
    team, order, files = None, "auto", []
day_first = {"auto": None, "dmy": True, "mdy": False}[order]


def kept(name: str, content: bytes) -> Upload:
    """The same Upload object on every rerun while the file stays, so it is read only once."""
    key = (name, content_hash(content))
    upload = st.session_state.setdefault("import_uploads", {}).get(key) or Upload(name, content)
    return upload


uploads = [kept(f.name, ui.uploaded_bytes(f)) for f in files or []]
upload_ids = [f.file_id for f in files or []]
# Streamlit hands out a copy of every uploaded file on each run; the Uploads kept above hold the
# file manager's content, so this run's copies are let go before the files are read and checked
del files
st.session_state["import_uploads"] = {(u.name, u.digest): u for u in uploads}

mapping: dict[str, str] = {}
exported: set[str] = set()
for upload in uploads:
    try:
        raw = glance(upload)  # its header and first rows: the mapping below needs no more
    except ImportFailed:
        continue  # the validation below reports it with file, row and column
    source = source_of(raw, "auto")
    if source == "template":
        continue
    exported.add(upload.name)
    report = inspect(raw, source, db.mapping(source))
    with st.expander(f"{ui.tr('mapping')}: {ui.md_escape(upload.name)} ({ui.md_escape(source)})", expanded=bool(report.missing)):
        st.caption(ui.tr("mapping_help"))
        headers = [h for h in report.unknown] + [c for v in report.recognised.values() for c in v.split(", ")]
        for name in [*REQUIRED[source], "estimate", "team", "key_result"]:
            found = report.recognised.get(name)
            special = {AUTO: auto_label(found), NOT_IN_FILE: ui.tr("not_in_file")}  # looked up now, in the language
            choice = st.selectbox(f"{ui.md_escape(name)} ← {ui.md_escape(found or '?')}", [AUTO, NOT_IN_FILE, *sorted(set(headers))],
                                  key=f"map_{upload.name}_{name}",
                                  format_func=ui.labelled(special))
            if choice == NOT_IN_FILE:
                mapping[name] = ""
            elif choice != AUTO:
                mapping[name] = choice
# files of our kind under their own headers: the same mapping as for tool exports, to a template
template_mapping: dict[str, str] = {}
incomplete = False  # a file of ours whose required columns are not all recognised
# read only with a file of ours among the uploads (on DuckLake each table read costs catalog round trips)
saved_template = db.mapping("template") if any(upload.name not in exported for upload in uploads) else {}
for upload in uploads:
    if upload.name in exported:
        continue
    try:
        fit = inspect_template(upload, saved_template)
    except ImportFailed:
        continue  # unreadable: the validation below says why, with file, row and column
    incomplete |= not fit.complete
    chosen_kind = st.session_state.get(f"tmap_{upload.name}_kind", fit.kind)
    # figures in columns we do not know by name (issue 19): the mapping opens with a proposal, and
    # nothing is imported until it is accepted (the check refuses the file until then)
    open_proposal = {} if set(FIGURES) & set(fit.recognised) or not set(FIGURES) & set(fit.proposal) else \
        {name: column for name, column in fit.proposal.items()
         if st.session_state.get(f"tmap_{upload.name}_{name}", AUTO) == AUTO}
    with st.expander(f"{ui.tr('template_mapping')}: {ui.md_escape(upload.name)}",
                     expanded=not fit.complete or bool(open_proposal)):
        st.caption(ui.tr("template_mapping_help"))
        if open_proposal:
            st.info(ui.tr_md("proposal_found", file=upload.name,
                             proposal=", ".join(f"{name} ← {column}" for name, column in open_proposal.items())))
            # taken: each proposed column chosen in its selectbox (still changeable)
            st.button(ui.tr("accept_proposal"), key=f"accept_{upload.name}", type="primary",
                      on_click=ui.remember,
                      args=({f"tmap_{upload.name}_{name}": column for name, column in open_proposal.items()},))
        kind = st.selectbox(ui.tr("template_kind"), list(TEMPLATES), index=list(TEMPLATES).index(chosen_kind),
                            key=f"tmap_{upload.name}_kind")
        fit = inspect_template(upload, saved_template, kind)
        columns = sorted(TEMPLATES[kind].columns, key=lambda c: not c.required)
        for column in columns:
            found = fit.recognised.get(column.name)
            special = {AUTO: auto_label(found)}  # looked up now, in the language
            choice = st.selectbox(f"{ui.md_escape(column.name)}{' *' if column.required else ''} ← "
                                  f"{ui.md_escape(found or '?')}", [AUTO, *fit.header],
                                  key=f"tmap_{upload.name}_{column.name}",
                                  format_func=ui.labelled(special))
            if choice != AUTO:
                template_mapping[column.name] = choice
            if column.name == "team":  # a sprint name repeating across boards stays apart: project + board
                first = choice if choice != AUTO else found
                none = {NOT_IN_FILE: ui.tr("no_second_column")}
                second = st.selectbox(ui.tr("team_second_column"), [NOT_IN_FILE, *fit.header],
                                      key=f"tmap_{upload.name}_team_2",
                                      format_func=ui.labelled(none))
                if second != NOT_IN_FILE and first and second != first:
                    template_mapping["team"] = f"{first}{JOIN}{second}"

exports = [u for u in uploads if u.name in exported]
# offered whenever a tool export is uploaded, not only after a first change of the mapping
save = st.checkbox(ui.tr("save_mapping"), key="save_mapping", disabled=not (mapping or template_mapping)) \
    if exports or template_mapping or incomplete else False

# offered once the check shows problems in data rows (below); while chosen, the check skips them
skip = bool(st.session_state.get("skip_invalid"))


def prepare(progress=None) -> PreparedImport:
    return prepare_import(db, uploads, team=team, day_first=day_first, mapping=mapping or None,
                          template_mapping=template_mapping or None, progress=progress, skip_invalid=skip)


def dry_run() -> tuple:
    """The check of the uploads (parsed, validated, counted by a rolled-back write), repeated only
    when the files, the options or the store change; the import button then writes the very parse
    it checked."""
    key = (tuple(u.digest for u in uploads), team, day_first, tuple(sorted(mapping.items())),
           tuple(sorted(template_mapping.items())), db.data_version(), skip)
    cached = st.session_state.get("import_check")
    if cached is None or cached[0] != key:
        bar = st.progress(0.0, text=ui.tr("checking"))
        try:
            with db.session():
                prepared = prepare(lambda f, m: bar.progress(min(1.0, f), text=ui.md_escape(ui.said(m))))
                outcome = (prepared, write_import(db, prepared, dry_run=True, command_line=False), None)
        except (ImportFailed, AccessRefused) as failure:
            outcome = (None, None, failure)
        # checked: the import writes the parse, not the files' cells (13 MiB for a 100k-row export,
        # held otherwise until the click and through its write); a changed option reads them again
        for upload in uploads:
            upload.let_go_of_reading()
        bar.empty()
        st.session_state["import_check"] = cached = (key, outcome)
    return cached[1]


if uploads:
    ui.prefetch_charts()  # files to import: the Sprint review, usually next, draws charts
    prepared, check, failure = dry_run()
    if isinstance(failure, AccessRefused):  # e.g. a file naming a team this lead does not lead
        st.error(ui.md_escape(ui.said(failure.message)), icon=":material/block:")
    elif failure is not None:
        st.error(ui.tr("import_failed"))
        st.subheader(ui.tr("problems"))
        ui.problems(failure)
    if (failure is not None and failure.rows_only) or (skip and check is not None):
        st.checkbox(ui.tr("skip_invalid"), key="skip_invalid")
    if check is not None and skip:  # the counts before the user confirms, and the rows left out
        st.info(ui.tr_md("skip_counts", imported=number(check.imported_rows, language, 0),
                      rejected=number(len(check.rejects), language, 0)))
        if check.rejects:
            ui.strong("rejects_title")
            ui.table(rejects_frame(check.rejects), "rejects_check", "rejects", wrap=True)
    if check is not None:
        st.subheader(ui.tr("detected"))
        ui.table(pd.DataFrame([vars(f) for f in check.files]), "detected", "import_check")
        ui.caption(ui.tr("counts_help"))
        for line in check.notes:
            st.text(ui.said(line))
        if check.warnings:  # one box with every warning, not a box each
            st.warning(ui.tr_md("warnings_title", n=len(check.warnings)), icon=":material/warning:")
            st.text("\n".join(f"• {ui.said(line)}" for line in check.warnings))
        st.subheader(ui.tr("preview"))
        for name, preview in check.previews.items():
            st.text(name)
            st.dataframe(present(preview, language), hide_index=True, key=f"preview_{name}")
        if st.button(ui.tr("import_button"), type="primary", key="do_import"):
            bar = st.progress(0.0, text=ui.tr("importing"))
            try:
                def step(fraction: float, message: str) -> None:
                    bar.progress(min(1.0, fraction), text=ui.md_escape(ui.said(message)))

                # the parse the check made, unless the store changed since (then validate anew)
                with db.session():
                    current = prepared if prepared.version == db.data_version() else prepare(step)
                    for upload in uploads:  # parsed: the write does not need their cells (read again if asked)
                        upload.let_go_of_reading()
                    result = write_import(db, current, save_mapping=save, progress=step, command_line=False)
            except ImportFailed as failure:  # the store changed between check and import
                st.error(ui.tr("import_failed"))
                ui.problems(failure, "problems_at_import")
            except AccessRefused as refusal:
                st.error(ui.md_escape(ui.said(refusal.message)), icon=":material/block:")
            else:
                ui.clear_caches()
                del prepared, check, current
                st.session_state.pop("import_check", None)  # the store has changed: a rerun checks anew
                st.success(ui.tr_md("import_done_skipped" if result.rejects else "import_done", id=result.import_id,
                                    rows=sum(f.inserted for f in result.files),
                                    updated=sum(f.updated for f in result.files),
                                    unchanged=sum(f.unchanged for f in result.files),
                                    rejected=number(len(result.rejects), language, 0)))
                ui.warm_sprint_table(db)  # after the result is on its way: for the Sprint review or Home, usually next
                # and then the files: the uploader is emptied for the next ones (a rerun with them
                # still there would check them anew against the changed store, only to find every
                # row unchanged), and their bytes and reading leave the session's memory
                st.session_state.pop("import_uploads", None)
                ui.let_go_of_uploads(upload_ids)
                st.session_state["uploads_imported"] = st.session_state.get("uploads_imported", 0) + 1
                upload_widget(uploader)

st.subheader(ui.tr("history"))
history, rejected = ui.import_history(db, db.data_version())  # rejected: the rows imports with --skip-invalid left out
if history.empty:
    st.caption("–")
else:
    if rejected:  # kept beside them
        history = history.assign(rejected=history["import_id"].map(rejected).fillna(0).astype(int))
    ui.table(history, "history", "import_history")
    if rejected:
        chosen_rejects = st.selectbox(ui.tr("rejects_of_import"), sorted(rejected, reverse=True), key="rejects_id")
        st.download_button(ui.tr_md("rejects_download", id=chosen_rejects),
                           functools.partial(downloads.rejects_csv, db, int(chosen_rejects)),
                           file_name=f"rejects_import_{chosen_rejects}.csv", mime="text/csv", key="rejects_csv",
                           on_click="ignore")
    open_imports = history.loc[history["undone_at"].isna(), "import_id"].tolist()
    if done := st.session_state.pop("undo_done", None):  # said after the rerun that shows the store without it
        st.success(ui.tr_md("undone", id=done))
        st.session_state["undo_sure"] = False  # the next undo is confirmed afresh
    if open_imports and importer:
        if st.session_state.get("undo_newest") != open_imports[0]:  # a new import: it is the one offered
            st.session_state["undo_id"] = open_imports[0]
            st.session_state["undo_newest"] = open_imports[0]
        chosen = st.selectbox(ui.tr("undo"), open_imports, key="undo_id")
        cascade = st.checkbox(ui.tr("undo_cascade"), key="undo_cascade", help=ui.tr("undo_cascade_help"))
        sure = st.checkbox(ui.tr_md("undo_confirm", id=chosen), key="undo_sure")
        if st.button(ui.tr("undo"), key="do_undo", disabled=not sure):
            try:
                undone = db.undo(int(chosen), cascade=cascade)
            except AccessRefused as refusal:  # an import that also touched a team this lead does not lead
                st.error(ui.md_escape(ui.said(refusal.message)), icon=":material/block:")
            except UndoRefused as refusal:
                st.error(ui.md_escape(ui.said(message_of(refusal))))
                if refusal.dependents:
                    st.info(ui.tr_md("undo_dependents", ids=", ".join(map(str, refusal.dependents))))
            else:
                ui.clear_caches()
                st.session_state["undo_done"] = ", ".join(map(str, undone or [chosen]))
                st.rerun()

if ui.may("admin"):  # the whole store, every team's data and the grants
    ui.backup_section()
if ui.may("admin") and not ui.access().local:
    ui.access_section()
ui.page_xlsx_download()
