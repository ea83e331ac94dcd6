"""An appointment as the diary pages say it: the time, the patient, "session k of n", and the
intake's status in words (never its answers)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bookings.diary.selectors import GridAppointment
from bookings.domain.grid import DiaryEntry
from bookings.models import Appointment, Course
from intake.models import Intake
from intake.selectors import questionnaire_words

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


def intake_words(statuses: dict[tuple[int, int], str], appointment: Appointment | GridAppointment) -> str:
    """The intake status in words, never its answers."""
    return INTAKE_WORDS.get(statuses.get((appointment.patient_id, appointment.treatment_id)), NO_INTAKE)


def session_words(appointment: Appointment) -> str:
    """ "session k of n" for a course session (the course must be joined), else ""."""
    course = appointment.course
    if course is None or not appointment.session_number:
        return ""
    return f"session {appointment.session_number} of {course.sessions_planned}"


def diary_entry(appointment: GridAppointment, zone: ZoneInfo, statuses: dict[tuple[int, int], str]) -> DiaryEntry:
    sessions, number = appointment.sessions_planned, appointment.session_number
    return DiaryEntry(
        pk=appointment.pk,
        start_label=f"{appointment.start.astimezone(zone):%H:%M}",
        end_label=f"{appointment.end.astimezone(zone):%H:%M}",
        patient=f"{appointment.first_name} {appointment.last_name}",
        treatment=appointment.treatment_name,
        area=appointment.area_name,
        session=f"session {number} of {sessions}" if sessions and number else "",
        status=_status_words(appointment, zone),
        status_code=appointment.status,
        intake=intake_words(statuses, appointment),
    )


def _status_words(appointment: GridAppointment, zone: ZoneInfo) -> str:
    if appointment.status == Appointment.HELD and appointment.held_until is not None:
        return f"held for a waitlist offer until {appointment.held_until.astimezone(zone):%H:%M}"
    return Appointment.Status(appointment.status).label


# A course as its patient reads it (My appointments): next to the questionnaire's own words
# (intake.selectors.questionnaire_words), the same on every page.
COURSE_WORDS = {
    Course.Status.AWAITING_INTAKE: "The rest of your course is booked once your health questionnaire is all clear.",
    Course.Status.SCHEDULED: "Your sessions are booked.",
    Course.Status.IN_PROGRESS: "Your course is under way.",
    Course.Status.NEEDS_ATTENTION: "We will call you to arrange the rest of your course.",
    Course.Status.COMPLETED: "Your course is complete.",
    Course.Status.CANCELLED: "This course was cancelled.",
}


def course_words_for_patient(course: Course) -> dict[str, str]:
    """{"questionnaire_words": ..., "course_words": ...}: the course's questionnaire and where it is."""
    intake = course.intake
    words = {"questionnaire_words": questionnaire_words(intake), "course_words": COURSE_WORDS.get(course.status, "")}
    if intake is not None and intake.status in (Intake.Status.NOT_SUITABLE, Intake.Status.DECLINED):
        words["course_words"] = ""  # the questionnaire's words say it: a practitioner will call
    elif course.status == Course.Status.AWAITING_INTAKE and intake and intake.status == Intake.Status.CLEARED:
        words["course_words"] = "We are booking the rest of your course and will email you the dates."
    return words
