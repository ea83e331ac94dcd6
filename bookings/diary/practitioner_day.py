"""A practitioner's day across their locations: each appointment with its intake's status and flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef

from bookings.diary.clearance import ClearanceView, clearance_views
from bookings.diary.selectors import latest_intakes
from bookings.diary.words import INTAKE_WORDS, NO_INTAKE, session_words
from bookings.models import Appointment, SessionRecord
from clinic.models import Location, Practitioner
from intake.models import Intake

REVIEW_STATUSES = (Intake.Status.NEEDS_REVIEW, Intake.Status.NOT_SUITABLE)


@dataclass
class DayEntry:
    pk: int
    start_label: str
    end_label: str
    location: str
    patient_pk: int
    patient: str
    treatment: str
    area: str
    session: str
    status: str
    status_code: str
    completed: bool
    recorded: bool
    intake_pk: int | None
    intake: str
    findings: int
    needs_review: bool
    clearance: ClearanceView | None = None
    appointment: Appointment | None = None


def practitioner_day_entries(*, practitioner: Practitioner, day: date, user: Any = None) -> list[DayEntry]:
    """The appointments (with whether each is recorded), their latest intakes and what the clinical
    gate says of each (for `user`), in a fixed number of queries."""
    # A day either side in UTC covers every location's zone; the local day is picked below.
    window_start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=UTC)
    appointments = (
        Appointment.objects.filter(
            practitioner=practitioner,
            location__in=Location.objects.filter(practitioners=practitioner),
            start__gte=window_start,
            start__lt=window_start + timedelta(days=3),
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("patient", "treatment", "area", "course", "location", "clearance_override_by")
        .annotate(recorded=Exists(SessionRecord.objects.filter(appointment=OuterRef("pk"))))
        .order_by("start", "id")
    )
    appointments = [a for a in appointments if a.start.astimezone(a.location.zone).date() == day]
    intakes = latest_intakes(appointments, "pk", "status", "findings")
    gate = clearance_views(appointments, user)
    entries = [_entry(a, *intakes.get((a.patient_id, a.treatment_id), (None, None, []))) for a in appointments]
    for entry, appointment in zip(entries, appointments, strict=True):
        entry.clearance, entry.appointment = gate.get(entry.pk), appointment
    return entries


def _entry(a: Appointment, intake_pk: int | None, intake_status: str | None, findings: list | None) -> DayEntry:
    zone = a.location.zone
    return DayEntry(
        pk=a.pk,
        start_label=f"{a.start.astimezone(zone):%H:%M}",
        end_label=f"{a.end.astimezone(zone):%H:%M}",
        location=a.location.name,
        patient_pk=a.patient_id,
        patient=a.patient.full_name,
        treatment=a.treatment.name,
        area=a.area.name,
        session=session_words(a),
        status=a.get_status_display(),
        status_code=a.status,
        completed=a.status == Appointment.Status.COMPLETED,
        recorded=a.recorded,
        intake_pk=intake_pk if intake_status and intake_status != Intake.Status.DRAFT else None,
        intake=INTAKE_WORDS.get(intake_status, NO_INTAKE),
        findings=len(findings or []),
        needs_review=intake_status in REVIEW_STATUSES,
    )
