"""One plain sentence per chart, saying what it shows for this team, in English or German."""
from __future__ import annotations

import math

import pandas as pd

from analytics.formatting import number, percent
from analytics.sprint_metrics import accuracy_trend

_TEXT = {
    "en": {
        "accuracy_up": "Commitment accuracy rose from {first} to {second} over the last {n} sprints.",
        "accuracy_down": "Commitment accuracy fell from {first} to {second} over the last {n} sprints.",
        "accuracy_flat": "Commitment accuracy shows no clear trend over the last {n} sprints ({first}, then {second}).",
        "accuracy_few": "Too few sprints with a commitment to see a trend yet.",
        "velocity": "Velocity averaged {mean} {unit} per sprint over {n} sprints; it varies by {cv} around that (coefficient of variation), {verdict}.",
        "stable": "fairly stable", "variable": "quite variable", "erratic": "erratic",
        "scope": "On average scope changed by {scope} after the start; {carried} {unit} carried over in the last {n} sprints.",
        "types": "Accuracy is highest in {best} sprints ({best_value}) and lowest in {worst} sprints ({worst_value}).",
        "types_one": "All sprints here are of one type.",
        "actions": "{done} of {total} retro actions were done ({rate}); {open} still open.",
        "actions_none": "No retro actions recorded yet.",
        "band": "{inside} of the last {n} sprints landed in the predictability band.",
    },
    "de": {
        "accuracy_up": "Die Zusagegenauigkeit stieg in den letzten {n} Sprints von {first} auf {second}.",
        "accuracy_down": "Die Zusagegenauigkeit sank in den letzten {n} Sprints von {first} auf {second}.",
        "accuracy_flat": "Die Zusagegenauigkeit zeigt in den letzten {n} Sprints keinen klaren Trend ({first}, dann {second}).",
        "accuracy_few": "Noch zu wenige Sprints mit Zusage, um einen Trend zu sehen.",
        "velocity": "Die Velocity lag im Mittel bei {mean} {unit} je Sprint über {n} Sprints; sie schwankt um {cv} darum (Variationskoeffizient), {verdict}.",
        "stable": "recht stabil", "variable": "deutlich schwankend", "erratic": "sprunghaft",
        "scope": "Im Mittel änderte sich der Umfang nach dem Start um {scope}; {carried} {unit} wurden in den letzten {n} Sprints übertragen.",
        "types": "Die Genauigkeit ist in {best}-Sprints am höchsten ({best_value}) und in {worst}-Sprints am niedrigsten ({worst_value}).",
        "types_one": "Alle Sprints hier haben denselben Typ.",
        "actions": "{done} von {total} Retro-Maßnahmen wurden umgesetzt ({rate}); {open} sind noch offen.",
        "actions_none": "Noch keine Retro-Maßnahmen erfasst.",
        "band": "{inside} der letzten {n} Sprints lagen im Verlässlichkeitsband.",
    },
}


def accuracy_sentence(metrics: pd.DataFrame, lang: str = "en", last: int = 8) -> str:
    text = _TEXT[lang]
    recent = metrics.tail(last)
    trend = accuracy_trend(recent["commitment_accuracy"]) if not recent.empty else {"accuracy_trend": None}
    if trend["accuracy_trend"] is None:
        return text["accuracy_few"]
    key = {"improving": "accuracy_up", "declining": "accuracy_down"}.get(trend["accuracy_trend"], "accuracy_flat")
    return text[key].format(first=percent(trend["accuracy_first_half"], lang),
                            second=percent(trend["accuracy_second_half"], lang), n=len(recent))


def band_sentence(metrics: pd.DataFrame, lang: str = "en", last: int = 8) -> str:
    recent = metrics.tail(last)["in_band"].dropna()
    return _TEXT[lang]["band"].format(inside=int(recent.astype(bool).sum()), n=len(recent))


def velocity_sentence(summary: pd.Series, unit: str, lang: str = "en") -> str:
    text = _TEXT[lang]
    cv = summary["velocity_cv"]
    if cv is None or math.isnan(float(cv)):
        verdict = "–"  # one sprint: no spread yet
    else:
        verdict = text["stable"] if cv <= 0.25 else text["variable"] if cv <= 0.5 else text["erratic"]
    return text["velocity"].format(mean=number(summary["velocity_mean"], lang), unit=unit, n=int(summary["sprints"]),
                                   cv=percent(cv, lang), verdict=verdict)


def scope_sentence(metrics: pd.DataFrame, unit: str, lang: str = "en", last: int = 3) -> str:
    return _TEXT[lang]["scope"].format(scope=percent(metrics["scope_change"].astype(float).mean(), lang),
                                       carried=number(metrics.tail(last)["carried_over"].astype(float).sum(), lang),
                                       unit=unit, n=min(last, len(metrics)))


def sprint_type_sentence(by_type: pd.DataFrame, lang: str = "en") -> str:
    known = by_type.dropna(subset=["commitment_accuracy"])
    if len(known) < 2:
        return _TEXT[lang]["types_one"]
    best = known.loc[known["commitment_accuracy"].idxmax()]
    worst = known.loc[known["commitment_accuracy"].idxmin()]
    return _TEXT[lang]["types"].format(best=best["sprint_type"], best_value=percent(best["commitment_accuracy"], lang),
                                       worst=worst["sprint_type"], worst_value=percent(worst["commitment_accuracy"], lang))


def actions_sentence(stats: dict, lang: str = "en") -> str:
    if not stats["actions"]:
        return _TEXT[lang]["actions_none"]
    return _TEXT[lang]["actions"].format(done=stats["done"], total=stats["actions"], rate=percent(stats["rate"], lang),
                                         open=stats["open"])
