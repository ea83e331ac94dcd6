"""An appointment as the diary pages say it: the time, the patient, "session k of n", and the
intake's status in words (never its answers)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bookings.domain.grid import DiaryEntry
from bookings.models import Appointment
from intake.models import Intake

# What reception sees of an intake: its status in words, never its answers.
INTAKE_WORDS = {
    Intake.Status.DRAFT: "not submitted",
    Intake.Status.SUBMITTED: "submitted",
    Intake.Status.NEEDS_REVIEW: "needs review",
    Intake.Status.CLEARED: "cleared",
    Intake.Status.NOT_SUITABLE: "not suitable",
    Intake.Status.DECLINED: "declined",
}
NO_INTAKE = "not started"


def intake_words(statuses: dict[tuple[int, int], str], appointment: Appointment) -> str:
    """The intake status in words, never its answers."""
    return INTAKE_WORDS.get(statuses.get((appointment.patient_id, appointment.treatment_id)), NO_INTAKE)


def session_words(appointment: Appointment) -> str:
    """ "session k of n" for a course session (the course must be joined), else ""."""
    course = appointment.course
    if course is None or not appointment.session_number:
        return ""
    return f"session {appointment.session_number} of {course.sessions_planned}"


def diary_entry(appointment: Appointment, zone: ZoneInfo, statuses: dict[tuple[int, int], str]) -> DiaryEntry:
    return DiaryEntry(
        pk=appointment.pk,
        start_label=f"{appointment.start.astimezone(zone):%H:%M}",
        end_label=f"{appointment.end.astimezone(zone):%H:%M}",
        patient=appointment.patient.full_name,
        treatment=appointment.treatment.name,
        area=appointment.area.name,
        session=session_words(appointment),
        status=appointment.get_status_display(),
        status_code=appointment.status,
        intake=intake_words(statuses, appointment),
    )
