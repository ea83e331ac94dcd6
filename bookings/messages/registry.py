"""Which renderer renders each kind of bookings message: registered once, in BookingsConfig.ready,
so the web processes and the Celery worker know the same kinds."""

from __future__ import annotations

from bookings.messages import confirmations, intake, reminders
from bookings.messages.kinds import MessageKind
from clinic.outbox import Renderer, register

RENDERERS: dict[MessageKind, Renderer] = {
    MessageKind.CONFIRMATION: confirmations.render_confirmation,
    MessageKind.MOVED: confirmations.render_moved,
    MessageKind.COURSE_DATES: confirmations.render_course_dates,
    MessageKind.PRECARE: reminders.render_precare,
    MessageKind.REMINDER: reminders.render_reminder,
    MessageKind.AFTERCARE: reminders.render_aftercare,
    MessageKind.CHECKIN: reminders.render_checkin,
    MessageKind.CANCELLED: reminders.render_cancelled,
    MessageKind.COURSE_COMPLETED: reminders.render_course_completed,
    MessageKind.RECALL: reminders.render_recall,
    MessageKind.INTAKE_REQUEST: intake.render_intake_request,
    MessageKind.INTAKE_NUDGE: intake.render_intake_nudge,
    MessageKind.INTAKE_DECLINED: intake.render_intake_declined,
    MessageKind.NOT_SUITABLE: intake.render_not_suitable,
}


def renderers_register() -> None:
    for kind, renderer in RENDERERS.items():
        register(kind)(renderer)
