"""What the clinic tells a patient around each session, as outbox rows.

Services schedule rows in their own transaction (the outbox pattern: a booking and its reminders
commit together); the dispatcher renders each row when it is due and asks the renderer whether it
is still current: a cancelled appointment's reminder is dropped, a moved one is re-timed.
Times that read as local ("seven days before, at 10:00") are computed in the location's zone;
"48 hours before" is absolute. Wording follows the clinic's clinical guidance (protocols.json).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from bookings.models import Appointment, Course, MessageSettings
from clinic.invites import claim_url, invite_days, may_claim
from clinic.outbox import Drop, Message, Retime, notification_drop, notification_schedule, register
from intake.models import Intake

BEFORE_7_DAYS = (
    "Unless prescribed, avoid ibuprofen/naproxen, fish oil, vitamin E, ginkgo, garlic and ginseng for 7 days. "
    "Never stop a prescribed blood thinner or aspirin without your prescriber."
)
BEFORE_24_48_HOURS = (
    "No alcohol in the 24 hours before. No retinoids, acids, waxing, peels or laser on the area. If you have a cold "
    "sore, rash or feel unwell, rebook. Numbing cream: apply as instructed (lidocaine cream 20-30 minutes before; "
    "EMLA-type at least 60 minutes under a dressing). Scalp: wash hair, no styling products."
)
AFTER_SESSION = (
    "Face: no make-up for 12-24 hours; do not touch or massage the area. Scalp: no hair washing for 24 hours. For "
    "24-48 hours: no strenuous exercise, sauna, steam, hot tub or swimming; avoid sun and sunbeds and use SPF; no "
    "alcohol for 24 hours. No other treatment on the same area for 2 weeks. Fat reduction: swelling can last 1-2 "
    "weeks; use cold compresses; no strenuous activity for 3 days. Swelling, redness and bruising usually settle "
    "within a few days."
)
CHECK_IN = "Is swelling, redness or bruising easing? Any pain, cold sores or new lumps?"
SEEK_HELP = (
    "Contact us urgently for redness, warmth or swelling that worsens after 48 hours; worsening pain, pus or new "
    "tender lumps (even weeks later); fever or chills; blisters or cold sores; skin turning white, dusky or blue; "
    "hives or swelling of the lips, tongue or face or difficulty breathing (call 999); difficulty swallowing or a "
    "lopsided smile after chin treatment; patchy hair loss after scalp treatment."
)
COURSE_END = (
    "Your course is complete. Results usually last several months to a year; maintenance sessions keep them. "
    "Rarely, infections appear 1-12 weeks after treatment: contact us about any new tender lump."
)
LOCAL_SEND_TIME = time(10)  # "the day before at 10:00": a civil hour in the location's zone

APPOINTMENT_REMINDERS = ("appointment.precare_7d", "appointment.reminder_48h")


def _local_at(moment: datetime, zone, days_before: int) -> datetime:
    day = moment.astimezone(zone).date() - timedelta(days=days_before)
    return datetime.combine(day, LOCAL_SEND_TIME, tzinfo=zone)


def _due(kind: str, appointment: Appointment) -> datetime:
    settings_ = MessageSettings.current()
    if kind == "appointment.precare_7d":
        return _local_at(appointment.start, appointment.location.zone, settings_.precare_days)
    if kind == "appointment.reminder_48h":
        return appointment.start - timedelta(hours=settings_.reminder_hours)
    raise ValueError(kind)


def _enabled(kind: str) -> bool:
    """The clinic's message settings: a switched-off kind is neither planned nor sent."""
    field = {
        "appointment.precare_7d": "precare", "appointment.reminder_48h": "reminder",
        "appointment.aftercare": "aftercare", "appointment.checkin_48h": "checkin",
        "appointment.cancelled": "cancellation", "course.completed": "course_end",
        "course.maintenance_recall": "maintenance_recall", "course.intake_request": "intake_request",
        "course.intake_nudge": "intake_request",
    }[kind]  # fmt: skip
    return bool(getattr(MessageSettings.current(), field))


# --- scheduling (called by the services, inside their transactions) ---------------------------


def reminders_schedule(*, appointment: Appointment, now: datetime) -> None:
    """Pre-care a week before and the 48-hour reminder, when there is still time for them."""
    for kind in APPOINTMENT_REMINDERS:
        due = _due(kind, appointment)
        if due > now and _enabled(kind):
            notification_schedule(
                kind=kind, channel="email", subject=appointment, patient=appointment.patient, due_at=due
            )
    # The 48-hour reminder also goes by text message when we have a mobile number.
    due = _due("appointment.reminder_48h", appointment)
    if appointment.patient.phone and due > now and _enabled("appointment.reminder_48h"):
        notification_schedule(kind="appointment.reminder_48h", channel="sms", subject=appointment,
                              patient=appointment.patient, due_at=due)  # fmt: skip


def reminders_drop(*, appointment: Appointment, now: datetime) -> None:
    """Cancelled: its reminders go, and the patient is told it is cancelled."""
    notification_drop(subject=appointment, kinds=APPOINTMENT_REMINDERS, reason="appointment cancelled")
    if _enabled("appointment.cancelled"):
        notification_schedule(kind="appointment.cancelled", channel="email", subject=appointment,
                              patient=appointment.patient, due_at=now)  # fmt: skip


def intake_request_schedule(*, course: Course, now: datetime) -> None:
    """A new course asks for the questionnaire, and nudges if it is not sent in time."""
    if not _enabled("course.intake_request"):
        return
    notification_schedule(kind="course.intake_request", channel="email", subject=course, patient=course.patient,
                          due_at=now)  # fmt: skip
    hours = MessageSettings.current().intake_nudge_hours
    if hours:
        notification_schedule(kind="course.intake_nudge", channel="email", subject=course, patient=course.patient,
                              due_at=now + timedelta(hours=hours))  # fmt: skip


def after_session_schedule(*, appointment: Appointment, now: datetime, adverse_event: bool = False) -> None:
    """Aftercare now; a check-in 48 hours after the first session (or any with an adverse event)."""
    if _enabled("appointment.aftercare"):
        notification_schedule(kind="appointment.aftercare", channel="email", subject=appointment,
                              patient=appointment.patient, due_at=now)  # fmt: skip
    if (appointment.session_number == 1 or adverse_event) and _enabled("appointment.checkin_48h"):
        hours = MessageSettings.current().checkin_hours
        notification_schedule(kind="appointment.checkin_48h", channel="email", subject=appointment,
                              patient=appointment.patient, due_at=appointment.end + timedelta(hours=hours))  # fmt: skip


def course_end_schedule(*, course: Course, now: datetime) -> None:
    if _enabled("course.completed"):
        notification_schedule(kind="course.completed", channel="email", subject=course, patient=course.patient,
                              due_at=now)  # fmt: skip
    if course.maintenance_due and _enabled("course.maintenance_recall"):
        due = datetime.combine(course.maintenance_due, LOCAL_SEND_TIME, tzinfo=course.location.zone)
        notification_schedule(kind="course.maintenance_recall", channel="email", subject=course,
                              patient=course.patient, due_at=due)  # fmt: skip


# --- rendering (called by the dispatcher when a row is due) -----------------------------------


def _appointment(row: Any) -> Appointment | None:
    return (
        Appointment.objects.select_related("patient", "location", "treatment", "area", "practitioner", "course")
        .filter(pk=row.subject_id)
        .first()
    )


def _email(appointment_or_course: Any, *, subject: str, template: str, **context: Any) -> Message | Drop:
    patient = appointment_or_course.patient
    if not patient.email:
        return Drop("no email address")
    location = appointment_or_course.location
    context.update(
        patient=patient, clinic_name=settings.CLINIC_NAME, clinic_phone=location.phone or settings.CLINIC_PHONE,
        seek_help=SEEK_HELP,
    )  # fmt: skip
    return Message(
        to=patient.email,
        subject=subject,
        text=render_to_string(f"emails/{template}.txt", context),
        html=render_to_string(
            "emails/reminder.html", {**context, "body": render_to_string(f"emails/{template}.txt", context)}
        ),
    )


def _when(appointment: Appointment) -> str:
    local = appointment.start.astimezone(appointment.location.zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _upcoming(kind: str, row: Any, now: datetime, *, template: str, subject: str) -> Message | Drop | Retime:
    appointment = _appointment(row)
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        return Drop("appointment no longer booked")
    due = _due(kind, appointment)
    if abs((due - row.due_at).total_seconds()) > 60:  # the appointment moved since this was planned
        return Retime(due) if due > now else Drop("moved too close to send")
    if row.channel == "sms":
        return _sms(appointment)
    return _email(appointment, subject=subject.format(when=_when(appointment)), template=template,
                  appointment=appointment, when=_when(appointment), before_7_days=BEFORE_7_DAYS,
                  before_24_48_hours=BEFORE_24_48_HOURS)  # fmt: skip


def _sms(appointment: Appointment) -> Message | Drop:
    """A short text: when and where, and whom to call. No treatment name: texts show on lock screens."""
    phone = appointment.patient.phone
    if not phone:
        return Drop("no phone number")
    location = appointment.location
    text = (
        f"{settings.CLINIC_NAME}: reminder of your appointment {_when(appointment)} at {location.name}. "
        f"To change it call {location.phone or settings.CLINIC_PHONE}."
    )
    return Message(to=phone, subject="", text=text)


@register("appointment.precare_7d")
def render_precare(row: Any, now: datetime) -> Message | Drop | Retime:
    return _upcoming("appointment.precare_7d", row, now, template="precare_7d",
                     subject="Getting ready for your appointment on {when}")  # fmt: skip


@register("appointment.reminder_48h")
def render_reminder(row: Any, now: datetime) -> Message | Drop | Retime:
    return _upcoming("appointment.reminder_48h", row, now, template="reminder_48h",
                     subject="Reminder: your appointment on {when}")  # fmt: skip


@register("appointment.aftercare")
def render_aftercare(row: Any, now: datetime) -> Message | Drop:
    appointment = _appointment(row)
    if appointment is None or appointment.status != Appointment.Status.COMPLETED:
        return Drop("session not completed")
    return _email(appointment, subject="Looking after your skin after today's session", template="aftercare",
                  appointment=appointment, after_session=AFTER_SESSION)  # fmt: skip


@register("appointment.checkin_48h")
def render_checkin(row: Any, now: datetime) -> Message | Drop:
    appointment = _appointment(row)
    if appointment is None or appointment.status != Appointment.Status.COMPLETED:
        return Drop("session not completed")
    return _email(appointment, subject="How are you feeling after your session?", template="checkin",
                  appointment=appointment, check_in=CHECK_IN)  # fmt: skip


def _course(row: Any) -> Course | None:
    return Course.objects.select_related("patient", "location", "treatment", "area").filter(pk=row.subject_id).first()


@register("course.completed")
def render_course_completed(row: Any, now: datetime) -> Message | Drop:
    course = _course(row)
    if course is None or course.status != Course.Status.COMPLETED:
        return Drop("course not completed")
    return _email(course, subject=f"Your {course.treatment.name.lower()} course is complete", template="course_end",
                  course=course, course_end=COURSE_END)  # fmt: skip


@register("course.maintenance_recall")
def render_recall(row: Any, now: datetime) -> Message | Drop:
    course = _course(row)
    if course is None or course.status != Course.Status.COMPLETED or not course.maintenance_due:
        return Drop("no maintenance due")
    book_url = f"{settings.CLINIC_BASE_URL}/book/{course.treatment.slug}/?area={course.area.slug}"
    return _email(course, subject=f"Time for your {course.treatment.name.lower()} maintenance session",
                  template="maintenance_recall", course=course, book_url=book_url)  # fmt: skip


@register("appointment.cancelled")
def render_cancelled(row: Any, now: datetime) -> Message | Drop:
    appointment = _appointment(row)
    if appointment is None or appointment.status != Appointment.Status.CANCELLED:
        return Drop("appointment not cancelled")
    return _email(appointment, subject=f"Cancelled: your appointment on {_when(appointment)}", template="cancelled",
                  appointment=appointment, when=_when(appointment),
                  book_url=f"{settings.CLINIC_BASE_URL}/book/{appointment.treatment.slug}/")  # fmt: skip


def _questionnaire_sent(course: Course) -> bool:
    return (
        Intake.objects.filter(patient_id=course.patient_id, treatment_id=course.treatment_id, area_id=course.area_id)
        .exclude(status=Intake.Status.DRAFT)
        .exists()
    )


def _intake_links(course: Course) -> dict[str, Any]:
    """Where the questionnaire is. A phone or walk-in patient has no account to sign in with:
    they get a link to set one up first (minted now, so it is fresh when it is sent)."""
    links: dict[str, Any] = {"intake_url": f"{settings.CLINIC_BASE_URL}/me/intake/"}
    if may_claim(course.patient):
        links.update(claim_url=claim_url(course.patient), invite_days=invite_days())
    return links


@register("course.intake_request")
def render_intake_request(row: Any, now: datetime) -> Message | Drop:
    course = _course(row)
    if course is None or course.status != Course.Status.AWAITING_INTAKE or _questionnaire_sent(course):
        return Drop("questionnaire no longer needed")
    return _email(course, subject="Before your first session: a short health questionnaire", template="intake_request",
                  course=course, **_intake_links(course))  # fmt: skip


@register("course.intake_nudge")
def render_intake_nudge(row: Any, now: datetime) -> Message | Drop:
    course = _course(row)
    if course is None or course.status != Course.Status.AWAITING_INTAKE or _questionnaire_sent(course):
        return Drop("questionnaire already sent")
    return _email(course, subject="A reminder: your health questionnaire", template="intake_nudge",
                  course=course, **_intake_links(course))  # fmt: skip
