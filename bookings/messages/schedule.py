"""Planning bookings' messages: what services call, inside their own transactions.

Every message is an outbox row (clinic.outbox) written in the transaction of the change that
causes it, so a booking and its confirmation commit or roll back together and nothing is lost if
the broker, a worker or the web process dies after the commit. Times that read as local ("seven
days before, at 10:00") are computed in the location's zone; "48 hours before" is absolute.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.messages.kinds import APPOINTMENT_REMINDERS, SWITCHES, MessageKind
from bookings.models import Appointment, Course, MessageSettings
from clinic.models import Practitioner
from clinic.outbox import notification_drop, notification_schedule

LOCAL_SEND_TIME = time(10)  # "the day before at 10:00": a civil hour in the location's zone
EMAIL, SMS = "email", "sms"


def enabled(kind: MessageKind) -> bool:
    """The clinic's message settings: a switched-off kind is neither planned nor sent."""
    field = SWITCHES.get(kind)
    return field is None or bool(getattr(MessageSettings.current(), field))


def local_at(moment: datetime, zone: ZoneInfo, days_before: int) -> datetime:
    day = moment.astimezone(zone).date() - timedelta(days=days_before)
    return datetime.combine(day, LOCAL_SEND_TIME, tzinfo=zone)


def reminder_due(kind: MessageKind, appointment: Appointment) -> datetime:
    settings_ = MessageSettings.current()
    if kind == MessageKind.PRECARE:
        return local_at(appointment.start, appointment.location.zone, settings_.precare_days)
    if kind == MessageKind.REMINDER:
        return appointment.start - timedelta(hours=settings_.reminder_hours)
    raise ValueError(kind)


def _plan(kind: MessageKind, subject: Appointment | Course, due_at: datetime, channel: str = EMAIL, **extra) -> None:
    if enabled(kind):
        notification_schedule(
            kind=kind, channel=channel, subject=subject, patient=subject.patient, due_at=due_at, **extra
        )


def confirmation_schedule(*, appointment: Appointment, now: datetime, moved: bool = False) -> None:
    """The booking confirmation (with its .ics), or after a move the confirmation of the new time.

    A move confirms the start it moved to (`about`), so each move is confirmed once and a
    confirmation overtaken by a later move is dropped when it comes due."""
    if moved:
        _plan(MessageKind.MOVED, appointment, now, about=appointment.start.isoformat())
    else:
        _plan(MessageKind.CONFIRMATION, appointment, now)


def reminders_schedule(*, appointment: Appointment, now: datetime) -> None:
    """Pre-care a week before and the 48-hour reminder, when there is still time for them."""
    for kind in APPOINTMENT_REMINDERS:
        due = reminder_due(kind, appointment)
        if due > now:
            _plan(kind, appointment, due)
    # The 48-hour reminder also goes by text message when we have a mobile number.
    due = reminder_due(MessageKind.REMINDER, appointment)
    if appointment.patient.phone and due > now:
        _plan(MessageKind.REMINDER, appointment, due, channel=SMS)


def reminders_drop(*, appointment: Appointment, now: datetime) -> None:
    """Cancelled: its reminders go, and the patient is told it is cancelled."""
    notification_drop(subject=appointment, kinds=APPOINTMENT_REMINDERS, reason="appointment cancelled")
    _plan(MessageKind.CANCELLED, appointment, now)


def intake_request_schedule(*, course: Course, now: datetime) -> None:
    """A new course asks for the questionnaire, and nudges if it is not sent in time."""
    if not enabled(MessageKind.INTAKE_REQUEST):
        return
    _plan(MessageKind.INTAKE_REQUEST, course, now)
    hours = MessageSettings.current().intake_nudge_hours
    if hours:
        _plan(MessageKind.INTAKE_NUDGE, course, now + timedelta(hours=hours))


def intake_request_resend_schedule(*, course: Course, now: datetime) -> None:
    """Reception emails the questionnaire again (the diary's way forward): one message per
    minute at most, whatever the clicks, and nothing if the clinic switched the kind off."""
    _plan(MessageKind.INTAKE_REQUEST, course, now, about=f"resend:{now:%Y-%m-%dT%H:%M}")


def after_session_schedule(*, appointment: Appointment, now: datetime, adverse_event: bool = False) -> None:
    """Aftercare now; a check-in 48 hours after the first session (or any with an adverse event)."""
    _plan(MessageKind.AFTERCARE, appointment, now)
    if appointment.session_number == 1 or adverse_event:
        hours = MessageSettings.current().checkin_hours
        _plan(MessageKind.CHECKIN, appointment, appointment.end + timedelta(hours=hours))


def course_end_schedule(*, course: Course, now: datetime) -> None:
    _plan(MessageKind.COURSE_COMPLETED, course, now)
    if course.maintenance_due:
        due = datetime.combine(course.maintenance_due, LOCAL_SEND_TIME, tzinfo=course.location.zone)
        _plan(MessageKind.RECALL, course, due)


def course_dates_schedule(*, course: Course, now: datetime) -> None:
    """Every booked date of a course in one message, with one .ics holding them all."""
    _plan(MessageKind.COURSE_DATES, course, now)


def intake_declined_schedule(*, course: Course, now: datetime) -> None:
    """The patient is told, kindly, that the course will not go ahead and nothing is charged."""
    _plan(MessageKind.INTAKE_DECLINED, course, now)


def not_suitable_schedule(*, course: Course, practitioners: Iterable[Practitioner], now: datetime) -> None:
    """Each practitioner of the course's location is asked to call the patient (no health details)."""
    for practitioner in practitioners:
        _plan(MessageKind.NOT_SUITABLE, course, now, about=f"practitioner:{practitioner.pk}")
