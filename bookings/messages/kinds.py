"""Every kind of message bookings sends, and the clinic's switch for each."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    CONFIRMATION = "appointment.confirmation"
    MOVED = "appointment.moved"
    PRECARE = "appointment.precare_7d"
    REMINDER = "appointment.reminder_48h"
    AFTERCARE = "appointment.aftercare"
    CHECKIN = "appointment.checkin_48h"
    CANCELLED = "appointment.cancelled"
    COURSE_DATES = "course.dates"
    COURSE_COMPLETED = "course.completed"
    RECALL = "course.maintenance_recall"
    INTAKE_REQUEST = "course.intake_request"
    INTAKE_NUDGE = "course.intake_nudge"
    INTAKE_DECLINED = "course.intake_declined"
    NOT_SUITABLE = "course.not_suitable"  # to the location's practitioners, never the patient


# The MessageSettings field that switches a kind off; kinds not listed are always sent (a
# confirmation or a clinical alert is not a marketing preference).
SWITCHES: dict[MessageKind, str] = {
    MessageKind.PRECARE: "precare",
    MessageKind.REMINDER: "reminder",
    MessageKind.AFTERCARE: "aftercare",
    MessageKind.CHECKIN: "checkin",
    MessageKind.CANCELLED: "cancellation",
    MessageKind.COURSE_COMPLETED: "course_end",
    MessageKind.RECALL: "maintenance_recall",
    MessageKind.INTAKE_REQUEST: "intake_request",
    MessageKind.INTAKE_NUDGE: "intake_request",
}

APPOINTMENT_REMINDERS = (MessageKind.PRECARE, MessageKind.REMINDER)
