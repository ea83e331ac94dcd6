"""New and returning patients, and how far ahead people book.

A patient seen in the period has an appointment there that was not cancelled. They are new if their
first such appointment anywhere in the clinic is in the period (counted in its week), returning if
they had one before. Lead time is from booking to start, for the bookings a person chose: first
sessions and single visits, not a course's later sessions (the scheduler books those months ahead);
a moved appointment counts to its new start.

Queries: by week 1, patients 1, lead-time bands 1, the median lead time 1.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber, TruncWeek

from bookings.models import Appointment
from reports.domain.figures import Column, Figure, Report, Table
from reports.domain.periods import ratio
from reports.selectors.scope import Scope, middle

BANDS = [
    ("Less than a day", 0, 1),
    ("1 to 2 days", 1, 3),
    ("3 to 7 days", 3, 8),
    ("8 to 14 days", 8, 15),
    ("15 to 30 days", 15, 31),
    ("More than 30 days", 31, None),
]
LEAD = ExpressionWrapper(F("start") - F("created_at"), output_field=DurationField())
CHOSEN = Q(session_number__isnull=True) | Q(session_number=1)


def first_visits(seen):
    """The ids of the first appointment (not cancelled) of each patient seen: a window function,
    one pass over those patients' appointments, which the weekly query uses as a hashed set."""
    numbered = (
        Appointment.objects.filter(patient__in=seen.values("patient"))
        .exclude(status=Appointment.Status.CANCELLED)
        # Partitioned by patient_id + 0, an expression no index matches: PostgreSQL then reads the
        # table in one pass and sorts it (~60 ms a year) instead of walking the patient index row by
        # row in heap order (~250 ms).
        .annotate(n=Window(RowNumber(), partition_by=[F("patient_id") + 0], order_by=[F("start").asc(), F("pk").asc()]))
        .filter(n=1)
    )
    return numbered.values("pk")


def seen_in(scope: Scope):
    return Appointment.objects.filter(scope.window("start")).exclude(status=Appointment.Status.CANCELLED)


def patients_report(*, scope: Scope) -> Report:
    seen = seen_in(scope)
    # A new patient has exactly one first visit, so the weeks' new patients add up to the total.
    weekly = {
        (row["week"].date() if hasattr(row["week"], "date") else row["week"]): row
        for row in seen.annotate(week=scope.local(TruncWeek, "start"))
        .values("week")
        .annotate(patients=Count("patient", distinct=True), new=Count("pk", filter=Q(pk__in=first_visits(seen))))
        .order_by()
    }
    bands = {
        f"band{n}": Count(
            "pk", filter=Q(lead__gte=timedelta(days=low), **({"lead__lt": timedelta(days=high)} if high else {}))
        )
        for n, (_, low, high) in enumerate(BANDS)
    }
    totals = seen.aggregate(patients=Count("patient", distinct=True))
    totals["new"] = sum(row["new"] for row in weekly.values())
    totals.update(seen.filter(CHOSEN).annotate(lead=LEAD).aggregate(chosen=Count("pk"), **bands))
    median = middle(seen.filter(CHOSEN), LEAD, totals["chosen"])
    week_rows = []
    for week in scope.period.weeks():
        row = weekly.get(week, {"patients": 0, "new": 0})
        week_rows.append([f"{week:%d %b %Y}", row["new"], row["patients"] - row["new"], row["patients"]])
    band_rows = [
        [label, totals[f"band{n}"], ratio(totals[f"band{n}"], totals["chosen"])] for n, (label, *_) in enumerate(BANDS)
    ]
    returning = totals["patients"] - totals["new"]
    median_days = median.total_seconds() / 86400 if median is not None else None
    said = f"{median_days:.1f} days" if median_days is not None else "no data"
    return Report(
        slug="patients",
        title="New and returning patients",
        intro="Patients seen in the period (an appointment that was not cancelled), and how far ahead they booked.",
        figures=[
            Figure(
                slug="patients-by-week",
                title="New and returning patients by week",
                summary=f"{totals['patients']} patients seen at {scope.where}: {totals['new']} new to the clinic and "
                f"{returning} returning.",
                chart="stacked",
                labels=[row[0] for row in week_rows],
                series=[("New", [r[1] for r in week_rows]), ("Returning", [r[2] for r in week_rows])],
                table=Table(
                    [Column("Week beginning", "text"), Column("New"), Column("Returning"), Column("Patients seen")],
                    week_rows,
                ),
                note="A patient seen in several weeks counts in each week, and once in the total.",
            ),
            Figure(
                slug="lead-time",
                title="Booking lead time",
                summary=f"{totals['chosen']} bookings (first sessions and single visits); the median was booked "
                f"{said} ahead.",
                chart="bar",
                labels=[row[0] for row in band_rows],
                series=[("Bookings", [r[1] for r in band_rows])],
                table=Table(
                    [Column("Booked ahead", "text"), Column("Bookings"), Column("Share", "percent")], band_rows
                ),
                note=f"Median lead time: {said}.",
            ),
        ],
    )
