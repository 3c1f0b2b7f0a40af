"""One plain sentence per chart, saying what it shows for this team, in English or German."""
from __future__ import annotations

import pandas as pd

from analytics.formatting import _missing, day, number, percent
from analytics.okr_metrics import GRADE_BANDS
from analytics.sprint_metrics import POOLED_MIN_SPRINTS, closed, range_name
from i18n import messages, t


def trend_range(summary: pd.Series) -> str:
    """The sprints a team summary row was computed over, by name: 'KA Sprint 7 – KA Sprint 14'."""
    return (range_name(summary["first_sprint"], summary["last_sprint"]) if summary.get("sprints") else None) or "–"


def accuracy_sentence(summary: pd.Series, lang: str = "en") -> str:
    """"Are estimates getting more accurate?" as the team summary (``team_summary``) answers it: its
    first-half → second-half figures and its verdict over the range it names. Every page and report
    says this sentence; none words its own."""
    verdict = summary.get("accuracy_trend")
    if not isinstance(verdict, str):
        return t("ans_accuracy_few", lang)
    return t(f"ans_accuracy_{verdict}", lang, first=percent(summary["accuracy_first_half"], lang),
             second=percent(summary["accuracy_second_half"], lang), n=int(summary["sprints"]),
             range=trend_range(summary))


def pooled_sentence(summary: pd.Series, lang: str = "en") -> str:
    """The pooled commitment accuracy of the summary's range with the sprints behind it, or why there is none."""
    count = int(summary.get("pooled_sprints") or 0)
    if _missing(summary.get("commitment_accuracy_pooled")):
        return t("ans_pooled_few", lang, n=count, need=POOLED_MIN_SPRINTS)
    return t("ans_pooled", lang, pooled=percent(summary["commitment_accuracy_pooled"], lang), n=count)


def band_sentence(metrics: pd.DataFrame, summary: pd.Series, lang: str = "en") -> str:
    """How many sprints of the summary's range (the last ``summary['sprints']`` closed ones) were in band."""
    recent = closed(metrics).tail(int(summary.get("sprints") or 0))["in_band"].dropna()
    return t("ans_band", lang, inside=int(recent.astype(bool).sum()), n=len(recent))


def grade_rule(okr_type: str, lang: str = "en") -> str:
    """The band an objective's grade is judged by, in words: 'committed: green ≥ 1, yellow ≥ 0.7' (below: red)."""
    kind = "committed" if okr_type == "committed" else "aspirational"
    green, yellow = GRADE_BANDS[kind]
    return t(f"ans_band_{kind}", lang, green=number(green, lang, 1), yellow=number(yellow, lang, 1))


def planned_sentence(row: pd.Series, unit: str, lang: str = "en") -> str | None:
    """One line when say/do and planned completion differ (scope was swapped: added work done in place
    of committed work); None when they agree or planned completion is unknown (no item data)."""
    planned, say_do = row.get("planned_completion"), row.get("say_do_ratio")
    if _missing(planned) or _missing(say_do) or abs(float(planned) - float(say_do)) < 0.005:
        return None
    return t("ans_planned_differs", lang, say_do=percent(say_do, lang), committed=number(row["committed"], lang),
             done=number(row["completed_committed"], lang), unit=unit, planned=percent(planned, lang))


def compared_sentence(compared: dict | None, current: pd.Series, lang: str = "en") -> str:
    """Which sprint one sprint is set beside (``review.compared_with``), and whether per working day."""
    if compared is None:
        return t("ans_compared_none", lang)
    if compared["per_day"]:
        return t("ans_compared_per_day", lang, sprint=compared["sprint"], days=number(current["working_days"], lang),
                 other=number(compared["row"]["working_days"], lang))
    return t("ans_compared", lang, sprint=compared["sprint"])


def velocity_sentence(summary: pd.Series, unit: str, lang: str = "en") -> str:
    """Velocity and its stability, judged on the comparable coefficient of variation (METRICS.md)."""
    text = messages("nar_", lang)
    verdict = text.get(summary["stability"], "–") if isinstance(summary["stability"], str) else "–"
    if summary["stability_basis"] == "per_day_by_type":
        return text["velocity_days"].format(mean=number(summary["velocity_mean"], lang), unit=unit,
                                            n=int(summary["sprints"]), cv=percent(summary["stability_cv"], lang),
                                            verdict=verdict, raw=percent(summary["velocity_cv"], lang))
    return text["velocity"].format(mean=number(summary["velocity_mean"], lang), unit=unit, n=int(summary["sprints"]),
                                   cv=percent(summary["stability_cv"], lang), verdict=verdict)


def forecast_sentences(result: dict, unit: str, lang: str = "en") -> list[str]:
    """The next-sprint forecast as a person says it, then which sprints it used and why."""
    text = messages("nar_", lang)
    if result["velocity_p50"] is None:
        return [text["no_forecast"].format(team=result["team"], n=result["sprints_used"])]
    sprint = result["next_sprint"] or text["next_unplanned"]
    days = text["forecast_days"].format(days=number(result["next_working_days"], lang)) if result["per_day"] else ""
    if result["velocity_p85"] <= 0:  # "at least 0 points" promises nothing: say why the history cannot tell
        zeros = sum(1 for value in result["history"] if value <= 0)
        line = text["forecast_zero"].format(sprint=sprint, zeros=zeros, n=result["sprints_used"])
        if result["velocity_p50"] > 0:
            line += text["forecast_zero_half"].format(p50=number(result["velocity_p50"], lang), unit=unit)
        lines = [line]
    else:
        lines = [text["forecast"].format(p85=number(result["velocity_p85"], lang),
                                         p50=number(result["velocity_p50"], lang), unit=unit, sprint=sprint, days=days)]
    used = ", ".join(result["used"][-result["sprints_used"]:])
    if result["next_type"] is None:  # no type to name: a "–" in a sentence reads as a word left out
        basis = text["basis_untyped"].format(n=result["sprints_used"], sprint=sprint, used=used)
    else:
        basis = text["basis_same" if result["basis"] == "same_type" else "basis_all"].format(
            n=result["sprints_used"], kind=result["next_type"], sprint=sprint, used=used)
    if result["per_day"]:
        basis += text["basis_days"].format(days=number(result["next_working_days"], lang), sprint=sprint)
    return lines + [basis]


def backlog_sentence(result: dict, unit: str, lang: str = "en") -> str:
    text = messages("nar_", lang)
    if result["sprints_p95"] is None:
        return text["backlog_never"]
    return text["backlog"].format(backlog=number(result["backlog"], lang), unit=unit, p50=result["sprints_p50"],
                                  p85=result["sprints_p85"], p95=result["sprints_p95"])


def days_sentences(row: pd.Series, region: str | None, holidays: list, lang: str = "en") -> list[str]:
    """Which days of the sprint were counted as working days and which were not, and why."""
    text = messages("nar_", lang)
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
    return messages("nar_", lang)["scope"].format(scope=percent(metrics["scope_change"].astype(float).mean(), lang),
                                       carried=number(metrics.tail(last)["carried_over"].astype(float).sum(), lang),
                                       unit=unit, n=min(last, len(metrics)))


def sprint_type_sentence(by_type: pd.DataFrame, lang: str = "en") -> str:
    known = by_type.dropna(subset=["commitment_accuracy"])
    if len(known) < 2:
        return messages("nar_", lang)["types_one"]
    best = known.loc[known["commitment_accuracy"].idxmax()]
    worst = known.loc[known["commitment_accuracy"].idxmin()]
    return messages("nar_", lang)["types"].format(best=best["sprint_type"], best_value=percent(best["commitment_accuracy"], lang),
                                       worst=worst["sprint_type"], worst_value=percent(worst["commitment_accuracy"], lang))


def actions_sentence(stats: dict, lang: str = "en") -> str:
    if not stats["actions"]:
        return messages("nar_", lang)["actions_none"]
    return t("nar_actions", lang, done=stats["done"], total=stats["actions"], rate=percent(stats["rate"], lang),
             n=stats["open"])
