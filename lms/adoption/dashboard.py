"""What the HR dashboard and a manager's team view show: the weekly measures with their
charts, the onboarding and coaching funnels, and the signals — every chart with the table
of its numbers, and each table as CSV rows."""

from dataclasses import dataclass
from datetime import date

from lms.adoption import charts, measures, signals
from lms.adoption import rules as r
from lms.adoption.content import AdoptionContent
from lms.coaching.rules import STEPS
from lms.localisation import short_day_text

SHOWN_SIGNALS = 100  # the page lists this many; the CSV has them all
TABLES = ("weekly", "onboarding", "coaching", "signals")


@dataclass(frozen=True)
class Dashboard:
    weeks: list[date]
    target: float
    weekly: dict[str, list[measures.WeekRow]]  # COMPANY first, then each division
    onboarding: measures.Funnel
    coaching: measures.Funnel
    signal_week: date | None
    signals: list[signals.SignalLine]  # the first SHOWN_SIGNALS
    signal_total: int
    team_signals: list[r.Signal]
    charts: dict[str, object]

    @property
    def latest(self) -> measures.WeekRow:
        return self.weekly[measures.COMPANY][-1]


def get_dashboard(
    today: date,
    content: AdoptionContent,
    target_percent: int,
    *,
    person_ids: list[int] | None = None,
    weeks: int | None = None,
) -> Dashboard:
    """The whole company (person_ids None) or one team."""
    shown = measures.weeks_ending(today, weeks or content.weeks_shown)
    weekly = measures.get_weekly(shown, person_ids)
    latest = weekly[measures.COMPANY][-1]
    signal_week = signals.latest_week()
    listed = signals.list_signals(signal_week, person_ids, limit=SHOWN_SIGNALS)
    team = []
    if person_ids is not None:
        team = signals.evaluate_team(person_ids, r.last_complete_week(today), content)
    onboarding = measures.get_onboarding_funnel(person_ids, latest)
    coaching = measures.get_coaching_funnel(latest)
    target = target_percent / 100
    return Dashboard(
        weeks=shown,
        target=target,
        weekly=weekly,
        onboarding=onboarding,
        coaching=coaching,
        signal_week=signal_week,
        signals=listed,
        signal_total=signals.count_signals(signal_week, person_ids),
        team_signals=team,
        charts=_charts(shown, weekly, target, onboarding, coaching),
    )


def _charts(shown, weekly, target, onboarding, coaching) -> dict[str, object]:
    labels = [short_day_text(week) for week in shown]
    return {
        "rates": {
            group: charts.line_chart(
                f"Adoption rate by week: {group}",
                labels,
                [charts.Series(group, tuple(row.rate for row in rows))],
                target,
            )
            for group, rows in weekly.items()
        },
        "onboarding": charts.bar_chart("Onboarding funnel", list(onboarding.stages)),
        "coaching": charts.bar_chart("Coaching funnel by step", list(coaching.stages)),
    }


def csv_rows(dashboard: Dashboard, table: str, person_ids: list[int] | None = None) -> list[list]:
    """The numbers of one table, header first (signals: all of them, not only those shown)."""
    if table == "weekly":
        return [
            ["group", "week_start", "licensed", "active", "adoption_rate", "target",
             "onboarded", *(f"step_{step}_reached" for step in STEPS)],
            *(
                [group, row.week.isoformat(), row.licensed, row.active, _share(row.rate),
                 f"{dashboard.target:.2f}", row.onboarded, *row.steps]
                for group, rows in dashboard.weekly.items()
                for row in rows
            ),
        ]  # fmt: skip
    if table in ("onboarding", "coaching"):
        funnel = getattr(dashboard, table)
        first = funnel.stages[0][1] or None
        return [["stage", "people", "share_of_first"]] + [
            [label, count, _share(count / first if first else None)]
            for label, count in funnel.stages
        ]
    every = signals.list_signals(dashboard.signal_week, person_ids)
    return [["week_start", "person", "email", "signal", "reason", "since", "action", "outcome"]] + [
        [
            line.week_start.isoformat(), line.name, line.email, line.title, line.reason,
            line.since.isoformat(), line.response or "", line.outcome or "",
        ]
        for line in every
    ]  # fmt: skip


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
