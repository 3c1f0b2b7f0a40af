"""One plain sentence per chart, saying what it shows for this team, in English or German."""
from __future__ import annotations

import pandas as pd

from analytics.formatting import day, number, percent
from analytics.sprint_metrics import accuracy_trend, closed

_TEXT = {
    "en": {
        "accuracy_up": "Commitment accuracy rose from {first} to {second} over the last {n} sprints.",
        "accuracy_down": "Commitment accuracy fell from {first} to {second} over the last {n} sprints.",
        "accuracy_flat": "Commitment accuracy shows no clear trend over the last {n} sprints ({first}, then {second}).",
        "accuracy_few": "Too few sprints with a commitment to see a trend yet.",
        "accuracy_steady": "Commitment accuracy held steady over the last {n} sprints ({first}, then {second}).",
        "velocity": "Velocity averaged {mean} {unit} per sprint over {n} sprints; it varies by {cv} around that (coefficient of variation), {verdict}.",
        "stable": "fairly stable", "variable": "quite variable", "erratic": "erratic",
        "scope": "On average scope changed by {scope} after the start; {carried} {unit} carried over in the last {n} sprints.",
        "types": "Accuracy is highest in {best} sprints ({best_value}) and lowest in {worst} sprints ({worst_value}).",
        "types_one": "All sprints here are of one type.",
        "actions": "{done} of {total} retro actions were done ({rate}); {open} still open.",
        "actions_none": "No retro actions recorded yet.",
        "band": "{inside} of the last {n} sprints landed in the predictability band.",
        "velocity_days": "Velocity averaged {mean} {unit} per sprint over {n} closed sprints. The sprints differ in type or length, so stability is judged per working day within each type: it varies by {cv} (coefficient of variation), {verdict}; per sprint it would read {raw}.",
        "forecast": "With 85 % confidence the team completes at least {p85} {unit} in {sprint}{days}; in half of the trials at least {p50}.",
        "forecast_days": " ({days} working days)",
        "next_unplanned": "the next sprint",
        "basis_same": "Forecast from the last {n} closed {kind} sprints, the type of {sprint}: {used}.",
        "basis_all": "Fewer than 3 closed {kind} sprints, so the forecast uses the last {n} closed sprints of all types: {used}.",
        "basis_days": " Each sprint's velocity per working day is scaled to the {days} working days of {sprint}.",
        "backlog": "{backlog} {unit} take {p50} sprints in half of the trials, {p85} with 85 % and {p95} with 95 % confidence.",
        "backlog_never": "At the velocity of the history this backlog is not finished within 1,000 sprints.",
        "no_forecast": "A forecast needs at least 3 closed sprints; {team} has {n}.",
        "days_detail": "{weekdays} weekdays from {start} to {end}; {working} working days counted.",
        "holidays": "Not counted, public holidays of {region}: {days}.",
        "days_off": "Not counted: {days_off} days of absences (days_off).",
    },
    "de": {
        "accuracy_up": "Die Zusagegenauigkeit stieg in den letzten {n} Sprints von {first} auf {second}.",
        "accuracy_down": "Die Zusagegenauigkeit sank in den letzten {n} Sprints von {first} auf {second}.",
        "accuracy_flat": "Die Zusagegenauigkeit zeigt in den letzten {n} Sprints keinen klaren Trend ({first}, dann {second}).",
        "accuracy_few": "Noch zu wenige Sprints mit Zusage, um einen Trend zu sehen.",
        "accuracy_steady": "Die Zusagegenauigkeit blieb in den letzten {n} Sprints stabil ({first}, dann {second}).",
        "velocity": "Die Velocity lag im Mittel bei {mean} {unit} je Sprint über {n} Sprints; sie schwankt um {cv} darum (Variationskoeffizient), {verdict}.",
        "stable": "recht stabil", "variable": "deutlich schwankend", "erratic": "sprunghaft",
        "scope": "Im Mittel änderte sich der Umfang nach dem Start um {scope}; {carried} {unit} wurden in den letzten {n} Sprints übertragen.",
        "types": "Die Genauigkeit ist in {best}-Sprints am höchsten ({best_value}) und in {worst}-Sprints am niedrigsten ({worst_value}).",
        "types_one": "Alle Sprints hier haben denselben Typ.",
        "actions": "{done} von {total} Retro-Maßnahmen wurden umgesetzt ({rate}); {open} sind noch offen.",
        "actions_none": "Noch keine Retro-Maßnahmen erfasst.",
        "band": "{inside} der letzten {n} Sprints lagen im Verlässlichkeitsband.",
        "velocity_days": "Die Velocity lag im Mittel bei {mean} {unit} je Sprint über {n} abgeschlossene Sprints. Die Sprints unterscheiden sich in Typ oder Länge, deshalb wird die Stabilität je Arbeitstag innerhalb jedes Typs bewertet: Sie schwankt um {cv} (Variationskoeffizient), {verdict}; je Sprint gerechnet wären es {raw}.",
        "forecast": "Mit 85 % Sicherheit erledigt das Team in {sprint}{days} mindestens {p85} {unit}; in der Hälfte der Durchläufe mindestens {p50}.",
        "forecast_days": " ({days} Arbeitstage)",
        "next_unplanned": "dem nächsten Sprint",
        "basis_same": "Prognose aus den letzten {n} abgeschlossenen {kind}-Sprints, dem Typ von {sprint}: {used}.",
        "basis_all": "Weniger als 3 abgeschlossene {kind}-Sprints, deshalb nutzt die Prognose die letzten {n} abgeschlossenen Sprints aller Typen: {used}.",
        "basis_days": " Die Velocity je Arbeitstag jedes Sprints wird auf die {days} Arbeitstage von {sprint} umgerechnet.",
        "backlog": "{backlog} {unit} brauchen in der Hälfte der Durchläufe {p50} Sprints, mit 85 % Sicherheit {p85} und mit 95 % {p95}.",
        "backlog_never": "Bei der bisherigen Velocity wird dieser Backlog nicht innerhalb von 1.000 Sprints fertig.",
        "no_forecast": "Eine Prognose braucht mindestens 3 abgeschlossene Sprints; {team} hat {n}.",
        "days_detail": "{weekdays} Wochentage vom {start} bis {end}; {working} Arbeitstage gezählt.",
        "holidays": "Nicht gezählt, Feiertage in {region}: {days}.",
        "days_off": "Nicht gezählt: {days_off} Abwesenheitstage (days_off).",
    },
}


def accuracy_sentence(metrics: pd.DataFrame, lang: str = "en", last: int = 8) -> str:
    text = _TEXT[lang]
    recent = closed(metrics).tail(last)
    trend = accuracy_trend(recent["commitment_accuracy"]) if not recent.empty else {"accuracy_trend": None}
    if trend["accuracy_trend"] is None:
        return text["accuracy_few"]
    key = {"improving": "accuracy_up", "declining": "accuracy_down", "steady": "accuracy_steady"}.get(trend["accuracy_trend"], "accuracy_flat")
    return text[key].format(first=percent(trend["accuracy_first_half"], lang),
                            second=percent(trend["accuracy_second_half"], lang), n=len(recent))


def band_sentence(metrics: pd.DataFrame, lang: str = "en", last: int = 8) -> str:
    recent = closed(metrics).tail(last)["in_band"].dropna()
    return _TEXT[lang]["band"].format(inside=int(recent.astype(bool).sum()), n=len(recent))


def velocity_sentence(summary: pd.Series, unit: str, lang: str = "en") -> str:
    """Velocity and its stability, judged on the comparable coefficient of variation (METRICS.md)."""
    text = _TEXT[lang]
    verdict = text.get(summary["stability"], "–") if isinstance(summary["stability"], str) else "–"
    if summary["stability_basis"] == "per_day_by_type":
        return text["velocity_days"].format(mean=number(summary["velocity_mean"], lang), unit=unit,
                                            n=int(summary["sprints"]), cv=percent(summary["stability_cv"], lang),
                                            verdict=verdict, raw=percent(summary["velocity_cv"], lang))
    return text["velocity"].format(mean=number(summary["velocity_mean"], lang), unit=unit, n=int(summary["sprints"]),
                                   cv=percent(summary["stability_cv"], lang), verdict=verdict)


def forecast_sentences(result: dict, unit: str, lang: str = "en") -> list[str]:
    """The next-sprint forecast as a person says it, then which sprints it used and why."""
    text = _TEXT[lang]
    if result["velocity_p50"] is None:
        return [text["no_forecast"].format(team=result["team"], n=result["sprints_used"])]
    sprint = result["next_sprint"] or text["next_unplanned"]
    days = text["forecast_days"].format(days=number(result["next_working_days"], lang)) if result["per_day"] else ""
    lines = [text["forecast"].format(p85=number(result["velocity_p85"], lang), p50=number(result["velocity_p50"], lang),
                                     unit=unit, sprint=sprint, days=days)]
    kind = result["next_type"] or "–"
    basis = text["basis_same" if result["basis"] == "same_type" else "basis_all"].format(
        n=result["sprints_used"], kind=kind, sprint=sprint, used=", ".join(result["used"][-result["sprints_used"]:]))
    if result["per_day"]:
        basis += text["basis_days"].format(days=number(result["next_working_days"], lang), sprint=sprint)
    return lines + [basis]


def backlog_sentence(result: dict, unit: str, lang: str = "en") -> str:
    text = _TEXT[lang]
    if result["sprints_p95"] is None:
        return text["backlog_never"]
    return text["backlog"].format(backlog=number(result["backlog"], lang), unit=unit, p50=result["sprints_p50"],
                                  p85=result["sprints_p85"], p95=result["sprints_p95"])


def days_sentences(row: pd.Series, region: str | None, holidays: list, lang: str = "en") -> list[str]:
    """Which days of the sprint were counted as working days and which were not, and why."""
    text = _TEXT[lang]
    if pd.isna(row["start_date"]):
        return []
    lines = [text["days_detail"].format(weekdays=number(row["sprint_days"], lang), start=day(row["start_date"], lang),
                                        end=day(row["end_date"], lang), working=number(row["working_days"], lang))]
    if holidays:
        lines.append(text["holidays"].format(region=region, days="; ".join(f"{day(d, lang)} {name}" for d, name in holidays)))
    if row["days_off"] and not pd.isna(row["days_off"]):
        lines.append(text["days_off"].format(days_off=number(row["days_off"], lang)))
    return lines


def scope_sentence(metrics: pd.DataFrame, unit: str, lang: str = "en", last: int = 3) -> str:
    metrics = closed(metrics)
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
