"""Booking the rest of a course once its intake is cleared.

One transaction for the course, a savepoint per session: a session that loses a race or finds
no time is recorded as unplaced for reception instead of failing the others. Running it again
books nothing twice (sessions already held are skipped), so the Celery task can be retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bookings.diary import diary_load
from bookings.models import Appointment, Course
from bookings.planning import course_targets, place_course
from bookings.reminders import reminders_schedule
from bookings.services import SlotUnavailable, _insert
from clinic.audit import audit_record


@dataclass(frozen=True)
class ScheduleResult:
    booked: list[int]
    unplaced: list[dict]


def course_schedule(*, course_id: int, now: datetime | None = None) -> ScheduleResult:
    now = now or timezone.now()
    with transaction.atomic():
        course = (
            Course.objects.select_for_update(of=("self",))
            .select_related("location", "treatment", "area", "intake")
            .get(pk=course_id)
        )
        if course.intake is None or course.intake.status != "cleared":
            return ScheduleResult(booked=[], unplaced=[])  # nothing is booked before clearance
        if course.status not in (Course.Status.AWAITING_INTAKE, Course.Status.NEEDS_ATTENTION, Course.Status.SCHEDULED):
            return ScheduleResult(booked=[], unplaced=[])
        held = {a.session_number: a for a in course.appointments.active().order_by("session_number")}
        first = held.get(1)
        if first is None:
            return ScheduleResult(booked=[], unplaced=[])
        tz = course.location.zone
        targets = [
            t for t in course_targets(
                first_start=first.start, tz=tz, sessions=course.sessions_planned, interval_days=course.interval_days
            ) if t.number not in held
        ]  # fmt: skip
        booked, unplaced = [], []
        if targets:
            half = timedelta(days=course.interval_days // 2 + 1)
            diary = diary_load(
                location=course.location, treatment=course.treatment,
                first_day=targets[0].local_date - half, last_day=targets[-1].local_date + half,
            )  # fmt: skip
            placements = place_course(
                targets=targets, first_start=max(a.start for a in held.values()), duration=first.duration,
                preferred_practitioner=first.practitioner_id, practitioners=diary.practitioners, rooms=diary.rooms,
                tz=tz, rules=diary.rules, now=now, closures=diary.closures, interval_days=course.interval_days,
                min_interval_days=course.treatment.interval_min_days,
            )  # fmt: skip
            target_of = {t.number: t for t in targets}
            for placement in placements:
                slot = placement.slot
                if slot is not None:
                    try:
                        appointment = _insert(
                            Appointment(
                                patient_id=course.patient_id, practitioner_id=slot.practitioner_id,
                                room_id=slot.room_id, location=course.location, treatment=course.treatment,
                                area=course.area, start=slot.start, end=slot.end, course=course,
                                session_number=placement.number, numbing_cream=first.numbing_cream,
                            )
                        )  # fmt: skip
                        booked.append(appointment.pk)
                        reminders_schedule(appointment=appointment, now=now)
                        continue
                    except SlotUnavailable:
                        reason = "taken while scheduling"
                else:
                    reason = placement.reason
                unplaced.append(
                    {
                        "number": placement.number,
                        "target": target_of[placement.number].start.isoformat(),
                        "reason": reason,
                    }
                )
        course.unplaced = unplaced
        course.status = Course.Status.NEEDS_ATTENTION if unplaced else Course.Status.SCHEDULED
        course.save(update_fields=["unplaced", "status", "updated_at"])
        audit_record(actor=None, action="course.schedule", obj=course, patient=course.patient,
                     details={"booked": len(booked), "unplaced": [u["number"] for u in unplaced]})  # fmt: skip
        if booked:
            transaction.on_commit(lambda: _queue_schedule_message(course.pk))
    return ScheduleResult(booked=booked, unplaced=unplaced)


def _queue_schedule_message(course_id: int) -> None:
    from bookings.tasks import send_course_schedule

    send_course_schedule.delay(course_id)
