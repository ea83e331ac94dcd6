"""Reception's unfinished work, for the locations the staff member sees (a manager: all):

(a) appointments in the next 7 days whose patient has not submitted the health questionnaire
    for that treatment (none started, or still a draft);
(b) courses that need someone: sessions the scheduler could not place, or an active course
    with fewer sessions booked than planned (for example after a no-show or a cancellation);
(c) no-shows this week (Monday 00:00 at the location to now), to call back.

One query per list whatever the number of rows.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from bookings.models import Appointment, Course
from clinic.access import locations_for_staff
from clinic.models import Location, Patient
from intake.models import Intake

LOOK_AHEAD = timedelta(days=7)
# Courses past their first booking: the rest of their sessions should be in the diary.
SCHEDULED_COURSE_STATUSES = (Course.Status.SCHEDULED, Course.Status.IN_PROGRESS, Course.Status.NEEDS_ATTENTION)


def _when(moment: datetime, location: Location) -> dict:
    # Formatted here: the template's date filter would convert to the site's zone, not the location's.
    local = moment.astimezone(location.zone)
    return {"label": f"{local:%a} {local.day} {local:%b %H:%M}", "date": local.date()}


def worklist_missing_intakes(location_ids: list[int], now: datetime) -> list[dict]:
    same = {"patient": OuterRef("patient"), "treatment": OuterRef("treatment")}
    submitted = Intake.objects.filter(**same).exclude(status=Intake.Status.DRAFT)
    draft = Intake.objects.filter(**same, status=Intake.Status.DRAFT)
    appointments = (
        Appointment.objects.filter(
            location_id__in=location_ids,
            start__gte=now,
            start__lt=now + LOOK_AHEAD,
            status__in=(Appointment.Status.BOOKED, Appointment.Status.ARRIVED),
        )
        .filter(~Exists(submitted))
        .annotate(has_draft=Exists(draft))
        .select_related("patient", "location", "treatment", "area")
        .order_by("start", "id")
    )
    return [
        {
            "appointment": a,
            **_when(a.start, a.location),
            "intake": "started, not submitted" if a.has_draft else "not started",
        }
        for a in appointments
    ]


def worklist_courses(location_ids: list[int]) -> list[dict]:
    courses = (
        Course.objects.open()
        .filter(location_id__in=location_ids)
        .annotate(
            booked=Count("appointments", filter=Q(appointments__status__in=Appointment.ACTIVE_STATUSES)),
        )
        .filter(~Q(unplaced=[]) | Q(status__in=SCHEDULED_COURSE_STATUSES, booked__lt=F("sessions_planned")))
        .select_related("patient", "location", "treatment", "area", "practitioner")
        .order_by("location__name", "patient__last_name", "patient__first_name", "id")
    )
    rows = []
    for course in courses:
        zone = course.location.zone
        unplaced = []
        for item in course.unplaced or []:
            try:
                target = datetime.fromisoformat(item["target"]).astimezone(zone).date()
            except (KeyError, TypeError, ValueError):
                target = None
            unplaced.append({"number": item.get("number"), "target": target, "reason": item.get("reason", "")})
        rows.append({"course": course, "unplaced": unplaced, "short": max(course.sessions_planned - course.booked, 0)})
    return rows


def worklist_no_shows(locations: list[Location], now: datetime) -> list[dict]:
    # "This week" is each location's own Monday 00:00: locations may be in different zones.
    this_week = Q(pk__in=[])
    for location in locations:
        today = now.astimezone(location.zone).date()
        monday = datetime.combine(today - timedelta(days=today.weekday()), time(0), tzinfo=location.zone)
        this_week |= Q(location_id=location.pk, start__gte=monday)
    appointments = (
        Appointment.objects.filter(this_week, status=Appointment.Status.NO_SHOW, start__lte=now)
        .select_related("patient", "location", "treatment", "area")
        .order_by("-start", "id")
    )
    return [{"appointment": a, **_when(a.start, a.location)} for a in appointments]


RECALL_LOOK_AHEAD = timedelta(days=30)


def recalls_for(user) -> QuerySet[Course]:
    """Completed courses whose maintenance is due within a month, with whether it is booked."""
    upcoming = Appointment.objects.active().filter(
        patient=OuterRef("patient"), treatment=OuterRef("treatment"), start__gte=timezone.now()
    )
    return (
        Course.objects.filter(
            status=Course.Status.COMPLETED,
            maintenance_due__isnull=False,
            maintenance_due__lte=timezone.localdate() + RECALL_LOOK_AHEAD,
            location__in=locations_for_staff(user),
        )
        .annotate(booked=Exists(upcoming))
        .select_related("patient", "treatment", "area", "location")
        .order_by("maintenance_due")
    )


def worklist_unchecked_phones(location_ids: list[int]) -> QuerySet[Patient]:
    """Patients known at these locations whose phone number on record could not be read as one
    (kept from before numbers were checked): reception asks them and corrects it."""
    known = Patient.objects.filter(locations__in=location_ids).values("pk")
    return Patient.objects.filter(pk__in=known).exclude(phone_unchecked="").order_by("last_name", "first_name", "pk")
