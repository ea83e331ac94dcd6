"""Messages: sent, failed and dead per kind; and whether a reminder goes with turning up.

The messages are those due in the period (the chosen location's zone, or the clinic's). With a
location chosen, they are the messages about its appointments and courses. "Failed at least once"
is a message that met an error (it may have been sent on a later attempt); "dead" gave up after
its last attempt. Attendance compares the appointments of the period that ended completed or a
no-show, with and without a 48-hour reminder sent.

Queries: per kind 1, reminder and attendance 1.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Q

from bookings.messages.kinds import MessageKind
from bookings.models import Appointment, Course
from clinic.models import Notification
from reports.domain.figures import Column, Figure, Report, Table
from reports.domain.periods import ratio
from reports.selectors.scope import Scope

KIND_WORDS = {
    MessageKind.CONFIRMATION: "Booking confirmation",
    MessageKind.MOVED: "Move confirmation",
    MessageKind.PRECARE: "Pre-care advice",
    MessageKind.REMINDER: "48-hour reminder",
    MessageKind.AFTERCARE: "Aftercare",
    MessageKind.CHECKIN: "Check-in after the first session",
    MessageKind.CANCELLED: "Cancellation",
    MessageKind.COURSE_DATES: "Course dates",
    MessageKind.COURSE_COMPLETED: "Course completed",
    MessageKind.RECALL: "Maintenance recall",
    MessageKind.INTAKE_REQUEST: "Questionnaire request",
    MessageKind.INTAKE_NUDGE: "Questionnaire nudge",
    MessageKind.INTAKE_DECLINED: "Questionnaire declined",
    MessageKind.NOT_SUITABLE: "Not suitable (to practitioners)",
}
Status = Notification.Status


def messages_in(scope: Scope):
    messages = Notification.objects.filter(scope.plain_window("due_at"))
    if scope.chosen:
        messages = messages.filter(
            Q(
                subject_type="bookings.appointment",
                subject_id__in=Appointment.objects.filter(location=scope.chosen).values("pk"),
            )
            | Q(
                subject_type="bookings.course", subject_id__in=Course.objects.filter(location=scope.chosen).values("pk")
            )
        )
    return messages


def messages_report(*, scope: Scope) -> Report:
    groups = (
        messages_in(scope)
        .values("kind", "status", failed=ExpressionWrapper(~Q(last_error=""), output_field=BooleanField()))
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_kind: dict[str, dict[str, int]] = {}
    for g in groups:
        r = by_kind.setdefault(
            g["kind"], {"kind": g["kind"], "total": 0, "sent": 0, "failed": 0, "dead": 0, "dropped": 0, "waiting": 0}
        )
        r["total"] += g["n"]
        r["failed"] += g["n"] if g["failed"] else 0
        key = {Status.SENT: "sent", Status.DEAD: "dead", Status.DROPPED: "dropped"}.get(g["status"], "waiting")
        r[key] += g["n"]
    rows = list(by_kind.values())
    table = [
        [
            KIND_WORDS.get(r["kind"], r["kind"]),
            r["total"],
            r["sent"],
            r["failed"],
            r["dead"],
            r["dropped"],
            r["waiting"],
        ]
        for r in rows
    ]
    total, sent, failed, dead = (sum(r[i] for r in table) for i in range(1, 5))
    return Report(
        slug="messages",
        title="Messages",
        intro="Emails and texts due in the period, by kind, and whether reminders go with turning up.",
        figures=[
            Figure(
                slug="by-kind",
                title="Messages by kind",
                summary=f"{total} messages due: {sent} sent, {failed} failed at least once, {dead} dead (gave up).",
                chart="stacked",
                labels=[row[0] for row in table],
                series=[
                    ("Sent", [r[2] for r in table]),
                    ("Dead", [r[4] for r in table]),
                    ("Dropped", [r[5] for r in table]),
                ],
                table=Table(
                    [
                        Column("Kind", "text"),
                        Column("Due"),
                        Column("Sent"),
                        Column("Failed at least once"),
                        Column("Dead"),
                        Column("Dropped (no longer current)"),
                        Column("Waiting"),
                    ],
                    table,
                ),
            ),
            _reminders(scope),
        ],
    )


def _reminders(scope: Scope) -> Figure:
    # The reminded appointments as one set (a hashed subplan), not a probe per appointment.
    first, after = scope.period.bounds(scope.zone)
    reminded = Notification.objects.filter(
        kind=MessageKind.REMINDER,
        status=Status.SENT,
        subject_type="bookings.appointment",
        due_at__gte=first - timedelta(days=3),  # a reminder is due 48 hours before (a zone's day either side)
        due_at__lt=after,
    ).values("subject_id")
    counts = {
        row["reminded"]: row
        for row in Appointment.objects.filter(
            scope.window("start"), status__in=[Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW]
        )
        .annotate(reminded=ExpressionWrapper(Q(pk__in=reminded), output_field=BooleanField()))
        .values("reminded")
        .annotate(total=Count("pk"), attended=Count("pk", filter=Q(status=Appointment.Status.COMPLETED)))
        .order_by()
    }
    rows = []
    for flag, label in ((True, "With a reminder sent"), (False, "Without a reminder")):
        row = counts.get(flag, {"total": 0, "attended": 0})
        rows.append(
            [label, row["total"], row["attended"], row["total"] - row["attended"], ratio(row["attended"], row["total"])]
        )
    said = (
        " and ".join(f"{r[0].lower()} {100 * r[4]:.1f} % attended" for r in rows if r[4] is not None)
        or "no appointments ended yet"
    )
    return Figure(
        slug="reminders",
        title="Reminders and attendance",
        summary=f"Of the appointments that ended completed or as a no-show: {said}.",
        chart="bar",
        labels=[row[0] for row in rows],
        series=[("Attended", [r[4] for r in rows])],
        unit="percent",
        table=Table(
            [
                Column("Appointments", "text"),
                Column("Ended"),
                Column("Attended"),
                Column("No-shows"),
                Column("Attendance", "percent"),
            ],
            rows,
        ),
    )
