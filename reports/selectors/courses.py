"""Courses: started, completed and dropped out; how far courses got (a funnel by session number);
maintenance recalls due, contacted and booked.

The courses are those started (first booked) in the period at the location(s); their status is
today's. Reaching session n means its n-th session was completed. A recall is due when a
completed course's maintenance date is in the period; it is booked when the patient has a visit
for the same treatment outside the course, after it began, that was not cancelled.

Queries: by treatment 1, the funnel 1, recalls 1.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from bookings.models import Appointment, Course
from reports.domain.figures import Column, Figure, Report, Table
from reports.domain.periods import ratio
from reports.selectors.scope import Scope

Status = Course.Status


def courses_report(*, scope: Scope) -> Report:
    cohort = Course.objects.filter(scope.window("created_at"))
    rows = list(
        cohort.values("treatment__name")
        .annotate(
            started=Count("pk"),
            completed=Count("pk", filter=Q(status=Status.COMPLETED)),
            dropped=Count("pk", filter=Q(status=Status.CANCELLED)),
        )
        .order_by("treatment__name")
    )
    table = [
        [r["treatment__name"], r["started"], r["completed"], r["dropped"], r["started"] - r["completed"] - r["dropped"]]
        for r in rows
    ]
    started, completed, dropped, going = (sum(r[i] for r in table) for i in range(1, 5))
    reached = dict(
        Appointment.objects.filter(course__in=cohort, status=Appointment.Status.COMPLETED, session_number__isnull=False)
        .values("session_number")
        .annotate(courses=Count("course", distinct=True))
        .order_by()
        .values_list("session_number", "courses")
    )
    funnel = [
        [f"Session {n}", reached.get(n, 0), ratio(reached.get(n, 0), started)]
        for n in range(1, max(reached, default=0) + 1)
    ]
    return Report(
        slug="courses",
        title="Courses",
        intro="Courses started in the period and where they are now; maintenance recalls due in the period.",
        figures=[
            Figure(
                slug="by-treatment",
                title="Courses by treatment",
                summary=f"{started} courses started at {scope.where}: {completed} completed, {dropped} dropped out, "
                f"{going} still going.",
                chart="stacked",
                labels=[row[0] for row in table],
                series=[
                    ("Completed", [r[2] for r in table]),
                    ("Dropped out", [r[3] for r in table]),
                    ("Still going", [r[4] for r in table]),
                ],
                table=Table(
                    [
                        Column("Treatment", "text"),
                        Column("Started"),
                        Column("Completed"),
                        Column("Dropped out"),
                        Column("Still going"),
                    ],
                    table,
                ),
            ),
            Figure(
                slug="funnel",
                title="Completion by session number",
                summary="How many of the courses started reached each session (completed it). "
                + (f"{funnel[-1][1]} reached session {len(funnel)}." if funnel else "No session was completed yet."),
                chart="hbar",
                labels=[row[0] for row in funnel],
                series=[("Courses", [r[1] for r in funnel])],
                table=Table(
                    [Column("Reached", "text"), Column("Courses"), Column("Of those started", "percent")], funnel
                ),
            ),
            _recalls(scope),
        ],
    )


def _recalls(scope: Scope) -> Figure:
    later = Appointment.objects.filter(
        patient=OuterRef("patient"), treatment=OuterRef("treatment"), start__gt=OuterRef("created_at")
    ).exclude(Q(status=Appointment.Status.CANCELLED) | Q(course=OuterRef("pk")))
    first, last = scope.period.first, scope.period.last
    totals = Course.objects.filter(
        location__in=scope.location_ids,
        status=Status.COMPLETED,
        maintenance_due__gte=first,
        maintenance_due__lte=last,
    ).aggregate(
        due=Count("pk"),
        contacted=Count("pk", filter=Q(recall_contacted_at__isnull=False)),
        booked=Count("pk", filter=Q(Exists(later))),
    )
    rows = [
        [label, totals[key], ratio(totals[key], totals["due"])]
        for label, key in (("Due", "due"), ("Contacted", "contacted"), ("Booked", "booked"))
    ]
    return Figure(
        slug="recalls",
        title="Maintenance recalls",
        summary=f"{totals['due']} maintenance recalls due in the period: {totals['contacted']} contacted by "
        f"reception, {totals['booked']} booked.",
        chart="hbar",
        labels=[row[0] for row in rows],
        series=[("Recalls", [r[1] for r in rows])],
        table=Table([Column("Recalls", "text"), Column("Courses"), Column("Of those due", "percent")], rows),
    )
