"""Booking the rest of a course once its intake is cleared.

One transaction for the course, and one INSERT for all its sessions; if any of them lost a race
since the diary was read, each is inserted in its own savepoint instead, and a session that
loses a race or finds no time is recorded as unplaced for reception instead of failing the others. Running it again
books nothing twice (sessions already held are skipped), so the Celery task can be retried and
the beat's sweep can pick up a course whose task was lost.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bookings.appointments.errors import SlotUnavailable
from bookings.appointments.slots import appointment_insert, appointments_insert_all
from bookings.diary.loading import diary_load
from bookings.domain.planning import Placement, Target, course_targets, place_course
from bookings.messages import schedule as messages
from bookings.models import Appointment, Course
from clinic.audit import audit_batch, audit_record
from clinic.outbox import notifications_batch
from intake.models import Intake

# Statuses a course can be (re)scheduled from: waiting for its first run, or a re-run that fills
# the sessions an earlier run could not place.
SCHEDULABLE = (Course.Status.AWAITING_INTAKE, Course.Status.NEEDS_ATTENTION, Course.Status.SCHEDULED)
# The task queued at clearance normally books a course within seconds; the sweep waits this long
# before treating a cleared course as lost, so the two rarely do the same work.
SWEEP_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class ScheduleResult:
    booked: list[int]
    unplaced: list[dict]


NOTHING = ScheduleResult(booked=[], unplaced=[])


def courses_awaiting_schedule(*, now: datetime, limit: int = 100) -> list[int]:
    """Courses whose intake is cleared but whose sessions were never booked."""
    return list(
        Course.objects.filter(
            status=Course.Status.AWAITING_INTAKE,
            intake__status=Intake.Status.CLEARED,
            updated_at__lt=now - SWEEP_AFTER,
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )


def course_schedule(*, course_id: int, now: datetime | None = None) -> ScheduleResult:
    now = now or timezone.now()
    # Audit rows and messages (three per session) are written once each, at the end.
    with transaction.atomic(), audit_batch(), notifications_batch():
        course = (
            Course.objects.select_for_update(of=("self",))
            .select_related("location", "treatment", "area", "intake", "patient")
            .get(pk=course_id)
        )
        if course.intake is None or course.intake.status != Intake.Status.CLEARED:
            return NOTHING  # nothing is booked before clearance
        if course.status not in SCHEDULABLE:
            return NOTHING
        held = {a.session_number: a for a in course.appointments.active().order_by("session_number")}
        if 1 not in held:
            unplaced = [{"number": 1, "target": "", "reason": "the first session is no longer booked"}]
            return _record(course, booked=[], unplaced=unplaced, now=now)
        targets = [
            t
            for t in course_targets(
                first_start=held[1].start,
                tz=course.location.zone,
                sessions=course.sessions_planned,
                interval_days=course.interval_days,
            )
            if t.number not in held
        ]
        booked, unplaced = _book(course, held, targets, now=now) if targets else ([], [])
        return _record(course, booked=booked, unplaced=unplaced, now=now)


def _book(
    course: Course, held: dict[int, Appointment], targets: list[Target], *, now: datetime
) -> tuple[list[int], list[dict]]:
    first = held[1]
    half = timedelta(days=course.interval_days // 2 + 1)
    diary = diary_load(
        location=course.location,
        treatment=course.treatment,
        first_day=targets[0].local_date - half,
        last_day=targets[-1].local_date + half,
        now=now,
    )
    placements = place_course(
        targets=targets,
        first_start=max(a.start for a in held.values()),
        duration=first.duration,
        preferred_practitioner=first.practitioner_id,
        practitioners=diary.practitioners,
        rooms=diary.rooms,
        tz=course.location.zone,
        rules=diary.rules,
        now=now,
        closures=diary.closures,
        interval_days=course.interval_days,
        min_interval_days=course.treatment.interval_min_days,
    )
    target_of = {t.number: t for t in targets}
    placed = [p for p in placements if p.slot is not None]
    sessions = [_session(course, first, p) for p in placed]
    # The common case, nothing taken since the diary was read: one INSERT for all the sessions.
    if appointments_insert_all(sessions):
        inserted = dict(zip((p.number for p in placed), sessions, strict=True))
    else:
        inserted = {}
        for placement, session in zip(placed, sessions, strict=True):
            with contextlib.suppress(SlotUnavailable):
                inserted[placement.number] = appointment_insert(session)
    booked, unplaced = [], []
    for placement in placements:
        appointment = inserted.get(placement.number)
        if appointment is not None:
            appointment.patient = course.patient
            messages.reminders_schedule(appointment=appointment, now=now)
            booked.append(appointment.pk)
            continue
        reason = placement.reason if placement.slot is None else "taken while scheduling"
        target = target_of[placement.number].start.isoformat()
        unplaced.append({"number": placement.number, "target": target, "reason": reason})
    return booked, unplaced


def _session(course: Course, first: Appointment, placement: Placement) -> Appointment:
    slot = placement.slot
    return Appointment(
        patient_id=course.patient_id,
        practitioner_id=slot.practitioner_id,
        room_id=slot.room_id,
        location=course.location,
        treatment=course.treatment,
        area=course.area,
        start=slot.start,
        end=slot.end,
        course=course,
        session_number=placement.number,
        numbing_cream=first.numbing_cream,
    )


def _record(course: Course, *, booked: list[int], unplaced: list[dict], now: datetime) -> ScheduleResult:
    course.unplaced = unplaced
    course.status = Course.Status.NEEDS_ATTENTION if unplaced else Course.Status.SCHEDULED
    course.save(update_fields=["unplaced", "status", "updated_at"])
    audit_record(
        actor=None,
        action="course.schedule",
        obj=course,
        patient=course.patient,
        details={"booked": len(booked), "unplaced": [u["number"] for u in unplaced]},
    )
    if booked:
        messages.course_dates_schedule(course=course, now=now)
    return ScheduleResult(booked=booked, unplaced=unplaced)
