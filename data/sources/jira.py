"""Jira's issue export (issue navigator → Export CSV; Cloud and Server/Data Center).

An issue has one ``Sprint`` column per sprint it was ever in, oldest first; done is decided by the
status category when present, else by the status or a resolved date; a resolution such as
``Won't Do`` means not delivered (removed). Older exports' sprint cells are whole sprint objects
(``…Sprint@1a2b[id=29,name=Sprint 15,startDate=…]``) and give the sprint calendar.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data import values
from data.csvfile import RawTable
from data.errors import message_of, say
from data.sources.common import Rows, Source, Table, each_distinct, is_none, one_entry_per_sprint, within
from data.templates import normalise

CAP = 1000  # issues per export file

ALIASES = {
    "key": ("issue_key", "work_item_key", "vorgangsschluessel", "clave_de_incidencia", "clave", "chave_da_item",
            "chave_do_item", "chave", "cle_de_ticket", "cle"),
    "title": ("summary", "zusammenfassung", "resumen", "resumo", "resume"),
    "item_type": ("issue_type", "work_type", "vorgangstyp", "tipo_de_incidencia", "tipo_de_item", "tipo_de_itens",
                  "type_de_ticket"),
    "status": ("status", "estado", "statut"),
    "status_category": ("status_category", "statuskategorie", "categoria_de_estado", "categoria_de_status",
                        "categorie_d_etat", "categorie_de_statut"),
    "resolution": ("resolution", "loesung", "resolucion", "resolucao"),
    "created": ("created", "erstellt", "creada", "creado", "criado", "creation", "cree"),
    "updated": ("updated", "aktualisiert", "actualizada", "actualizado", "atualizado_a", "atualizado", "mis_a_jour"),
    "resolved": ("resolved", "erledigt", "resuelta", "resolvido", "resolue", "resolu"),
    "sprint": ("sprint",),
    "team": ("team", "custom_field_team"),
    "project": ("project_name", "projektname", "nombre_del_proyecto", "nome_do_projeto", "nom_du_projet"),
    "labels": ("labels", "stichwoerter", "etiquetas", "etiquettes"),
    "epic": ("custom_field_epic_link", "parent_key", "chave_pai", "uebergeordneter_schluessel"),
}
CUSTOM_FIELD = r"(custom_field|benutzerdefinierte_felder|benutzerdefiniertes_feld|campo_personalizado|champ_personnalise)"
ESTIMATES = (f"{CUSTOM_FIELD}_story_points", f"{CUSTOM_FIELD}_story_point_estimate")

DONE_CATEGORIES = {"done", "erledigt", "fertig", "listo", "terminado", "hecho", "itens_concluidos", "concluido",
                   "termine", "terminee"}
DONE_STATUSES = {"done", "closed", "resolved", "complete", "completed", "erledigt", "fertig", "geschlossen",
                 "cerrado", "cerrada", "listo", "fechado", "concluido", "ferme", "termine"}
NOT_DELIVERED = {"won_t_do", "wont_do", "won_t_fix", "wont_fix", "duplicate", "cancelled", "canceled",
                 "cannot_reproduce", "declined", "obsolete", "rejected", "abgelehnt", "duplikat", "wird_nicht_erledigt",
                 "wird_nicht_behoben", "abgebrochen", "nicht_reproduzierbar", "duplicado", "cancelado", "no_se_hara",
                 "nao_sera_feito", "rejete", "annule", "doublon"}

_SPRINT_OBJECT = re.compile(r"Sprint@\w*\[(.*)\]\s*$", re.S)
_SPRINT_KEYS = ("id", "rapidViewId", "state", "name", "goal", "startDate", "endDate", "completeDate",
                "activatedDate", "sequence", "autoStartStop", "synced", "incompleteIssuesDestinationId")
_SPRINT_SPLIT = re.compile(r",(?=(?:%s)=)" % "|".join(_SPRINT_KEYS))
_SPRINT_DATES = (("startDate", "start"), ("endDate", "end"), ("completeDate", "complete"))


def detect(names: set[str]) -> bool:
    return bool(names & set(ALIASES["key"][:3]) or (names & set(ALIASES["key"]) and "sprint" in names))


def parse_sprint_cell(text: str) -> dict[str, str | None] | None:
    """``…Sprint@1a2b[id=29,state=CLOSED,name=Sprint 15,startDate=2018-04-19T10:45:31.067-04:00,…]`` →
    its fields (names and goals may contain commas); None for a plain sprint name."""
    match = _SPRINT_OBJECT.search(text)
    if not match:
        return None
    fields = {}
    for part in _SPRINT_SPLIT.split(match.group(1)):
        name, _, value = part.partition("=")
        fields[name.strip()] = None if value in ("<null>", "") else value
    return fields


def _read_sprint(cell: str) -> tuple:
    """A sprint cell as (name, calendar details or None, [(field, text, message) per unreadable date]);
    a sprint object's dates are checked where they are read, so a garbled one is reported with its row."""
    details = parse_sprint_cell(cell)
    name = (details or {}).get("name") or cell
    if not details:
        return name, None, []
    told, errors = {"goal": details.get("goal")}, []
    for field_name, key in _SPRINT_DATES:
        text = details.get(field_name)
        if not text:
            continue
        try:
            told[key] = values.parse_date(text)
        except ValueError as exc:
            errors.append((field_name, text, say("sprint_object_date", sprint=name, field=field_name,
                                                 problem=message_of(exc))))
    return name, told, errors


def rows(table: Table) -> Rows:
    cells = table.cells("sprint")
    codes, uniques = pd.factorize(cells["cell"].to_numpy(dtype=object))
    read = [_read_sprint(cell) for cell in uniques]  # each distinct sprint cell once
    row, order = cells["row"].to_numpy(), np.arange(len(cells))
    sprints = pd.DataFrame({"row": row, "sprint": np.array([r[0] for r in read] or [""], dtype=object)[codes]})
    # unreadable dates of sprint objects, in the order the row tells them; the frame holds each
    # message's position in ``said`` (pandas would make the messages plain English ``str``)
    said = [message for r in read for _, _, message in r[2]]
    errors = pd.DataFrame([(code, index, field, text) for code, r in enumerate(read)
                           for field, text, _ in r[2] for index in [[f for f, _ in _SPRINT_DATES].index(field)]],
                          columns=["code", "field", "name", "text"]).assign(message=np.arange(len(said)))
    garbled = np.flatnonzero(np.isin(codes, errors["code"].to_numpy()))
    found = pd.DataFrame({"code": codes[garbled], "row": row[garbled], "order": order[garbled]}).merge(errors, on="code")
    found = found.sort_values(["row", "order", "field"], kind="stable")
    table.report(found["row"].to_numpy(), table.label("sprint"), [said[number] for number in found["message"]],
                 found["text"].to_numpy(dtype=object), found["order"].to_numpy() * 3 + found["field"].to_numpy())
    told = np.array([r[1] is not None for r in read] or [False])[codes]
    calendar = None
    if told.any():
        details = {key: np.array([(r[1] or {}).get(key) for r in read], dtype=object)[codes[told]]
                   for key in ("goal", "start", "end", "complete")}
        calendar = one_entry_per_sprint(pd.DataFrame({"row": row[told], "order": order[told],
                                                      "sprint": sprints["sprint"].to_numpy()[told], **details}))
        calendar = calendar.drop(columns="order")

    category = each_distinct(table.text("status_category"), normalise, "")
    status = each_distinct(table.text("status"), normalise, "")
    resolved = table.dates("resolved")
    done = np.where(category != "", within(category, DONE_CATEGORIES),
                    within(status, DONE_STATUSES) | ~is_none(resolved))
    cancelled = done & within(each_distinct(table.text("resolution"), normalise, ""), NOT_DELIVERED)
    return Rows(sprints, resolved, done & ~cancelled, cancelled, calendar)


def dates(details: pd.DataFrame) -> tuple:
    """A sprint ends when it was completed, else on its planned end."""
    end = details["complete"].where(details["complete"].notna(), details["end"])
    return details["start"], end, details["goal"]


def cap_warning(raw: RawTable) -> list[str]:
    if len(raw) != CAP:
        return []
    return [say("jira_cap", file=raw.file, cap=CAP)]


SOURCE = Source("jira", "Jira", ALIASES, ESTIMATES, required=("key", "sprint"), detect=detect, rows=rows, dates=dates,
                file_warnings=cap_warning)
