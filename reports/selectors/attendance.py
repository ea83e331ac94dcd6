"""No-shows and late cancellations: rates, the weekly trend, by treatment, and a weekday x hour map.

Every appointment of the period that has started (not the bookings still to come) counts once,
where it is now (a moved appointment at its new time). A late cancellation is one cancelled less
than the cancellation cut-off (the booking rules') before its start, or after it; when it was
cancelled is the appointment's `cancelled_at`.
Rates are of those appointments.

Queries: by week and treatment 1 (trend and treatment tables from the same rows), weekday x hour 1,
the booking rules (cached) 0-1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncWeek

from bookings.models import Appointment, BookingRules
from reports.domain.figures import Column, Figure, Report, Table
from reports.domain.periods import ratio
from reports.selectors.scope import Scope

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def late_cancellation() -> Q:
    """A cancellation made less than the cut-off before the start (or after it)."""
    cutoff = BookingRules.current().cancellation_cutoff
    return Q(status=Appointment.Status.CANCELLED, cancelled_at__gt=F("start") - cutoff)


def _tally(rows: list[dict], key) -> dict:
    """{key(row): [appointments, no-shows, late cancellations]} from rows grouped by status."""
    tally: dict = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        bucket = tally[key(row)]
        bucket[0] += row["n"]
        bucket[1] += row["n"] if row["status"] == Appointment.Status.NO_SHOW else 0
        bucket[2] += row["late"]
    return tally


def attendance_report(*, scope: Scope) -> Report:
    # Grouped by status (a few groups: PostgreSQL hashes them rather than sorting every row).
    appointments = Appointment.objects.filter(scope.window("start"))
    if scope.now is not None:
        appointments = appointments.filter(start__lt=scope.now)
    late = late_cancellation()
    rows = list(
        appointments.annotate(week=scope.local(TruncWeek, "start"))
        .values("week", "treatment__name", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=late))
        .order_by()
    )
    cells = list(
        appointments.annotate(day=scope.local(ExtractIsoWeekDay, "start"), hour=scope.local(ExtractHour, "start"))
        .values("day", "hour", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=late))
        .order_by()
    )
    weeks: dict[date, list[int]] = {week: [0, 0, 0] for week in scope.period.weeks()}
    weeks.update(_tally(rows, lambda row: row["week"].date() if hasattr(row["week"], "date") else row["week"]))
    treatments = _tally(rows, lambda row: row["treatment__name"])
    total = [sum(v[i] for v in weeks.values()) for i in range(3)]
    week_rows = [[f"{w:%d %b %Y}", t, n, ratio(n, t), la, ratio(la, t)] for w, (t, n, la) in sorted(weeks.items())]
    treatment_rows = [[name, t, n, ratio(n, t), la, ratio(la, t)] for name, (t, n, la) in sorted(treatments.items())]
    return Report(
        slug="attendance",
        title="No-shows and late cancellations",
        intro="Appointments that started in the period: how many were missed, and how many were cancelled "
        "later than the cancellation cut-off.",
        figures=[
            _trend(scope, total, week_rows),
            Figure(
                slug="by-treatment",
                title="By treatment",
                summary="The no-show and late-cancellation rates of each treatment.",
                chart="bar",
                labels=[row[0] for row in treatment_rows],
                series=[
                    ("No-show rate", [r[3] for r in treatment_rows]),
                    ("Late cancellation rate", [r[5] for r in treatment_rows]),
                ],
                unit="percent",
                table=Table(_columns("Treatment"), treatment_rows),
            ),
            _heat_map(cells),
        ],
    )


def _columns(first: str) -> list[Column]:
    return [
        Column(first, "text"),
        Column("Appointments"),
        Column("No-shows"),
        Column("No-show rate", "percent"),
        Column("Late cancellations"),
        Column("Late cancellation rate", "percent"),
    ]


def _trend(scope: Scope, total: list[int], week_rows: list[list]) -> Figure:
    rate = ratio(total[1], total[0])
    late = ratio(total[2], total[0])
    said = (
        "no appointments" if not total[0] else f"{100 * rate:.1f} % no-shows and {100 * late:.1f} % late cancellations"
    )
    return Figure(
        slug="trend",
        title="Rates by week",
        summary=f"{total[0]} appointments at {scope.where}: {total[1]} no-shows and {total[2]} late cancellations "
        f"({said}).",
        chart="line",
        labels=[row[0] for row in week_rows],
        series=[("No-show rate", [r[3] for r in week_rows]), ("Late cancellation rate", [r[5] for r in week_rows])],
        unit="percent",
        table=Table(_columns("Week beginning"), week_rows),
    )


def _heat_map(rows: list[dict]) -> Figure:
    hours = sorted({row["hour"] for row in rows})
    grid = {key: tally[1] + tally[2] for key, tally in _tally(rows, lambda row: (row["day"], row["hour"])).items()}
    rows = [[WEEKDAYS[day - 1], *(grid.get((day, hour), 0) for hour in hours)] for day in range(1, 8)]
    # The highest count; on a tie the earliest in the week.
    worst = max(grid.items(), key=lambda item: (item[1], -item[0][0], -item[0][1]), default=None)
    said = (
        f"The most missed or late-cancelled hour is {WEEKDAYS[worst[0][0] - 1]} at {worst[0][1]:02d}:00 ({worst[1]})."
        if worst and worst[1]
        else "Nothing was missed or cancelled late."
    )
    return Figure(
        slug="heat-map",
        title="No-shows and late cancellations by weekday and hour",
        summary="Each cell counts the no-shows and late cancellations of appointments starting in that local "
        f"hour. {said}",
        chart="heatmap",
        labels=[f"{hour:02d}:00" for hour in hours],
        table=Table([Column("Weekday", "text"), *(Column(f"{hour:02d}:00") for hour in hours)], rows),
    )
