"""What the photo pages show: a session's photos, and a course's album (timeline and comparison).

A course's album is two queries whatever the number of sessions or photos: the course's
sessions and their photos (with areas); dates are the session's local day at its
location.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bookings.models import Appointment, Course
from photos.models import Photo


@dataclass
class SessionPhotos:
    appointment: Appointment
    day: date
    label: str
    photos: list[Photo] = field(default_factory=list)


@dataclass
class Series:
    """One area from one view across the course: what the comparison sets side by side."""

    key: str
    label: str
    photos: list[Photo]


@dataclass
class Album:
    sessions: list[SessionPhotos]
    series: list[Series]

    @property
    def count(self) -> int:
        return sum(len(s.photos) for s in self.sessions)


def session_photos(appointment: Appointment) -> list[Photo]:
    return list(
        Photo.objects.consented().filter(appointment=appointment).select_related("area").order_by("uploaded_at", "pk")
    )


def course_album(course: Course) -> Album:
    zone = course.location.zone
    sessions = [
        SessionPhotos(appointment=a, day=(day := a.start.astimezone(zone).date()), label=_label(a, day))
        for a in course.appointments.exclude(status__in=[Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])
        .select_related("location")
        .order_by("start", "pk")
    ]
    by_session = {s.appointment.pk: s for s in sessions}
    series: dict[str, Series] = {}
    photos = (
        Photo.objects.consented()
        .filter(appointment__course=course)
        .select_related("area")
        .order_by("appointment__start", "uploaded_at", "pk")
    )
    for photo in photos:
        session = by_session.get(photo.appointment_id)
        if session is None:
            continue
        photo.session = session  # type: ignore[attr-defined] - the compare page shows its date
        session.photos.append(photo)
        key = f"{photo.area.slug}:{photo.view}"
        if key not in series:
            series[key] = Series(key=key, label=f"{photo.area.name}, {photo.get_view_display().lower()}", photos=[])
        series[key].photos.append(photo)
    return Album(sessions=sessions, series=list(series.values()))


def compare_pair(series: Series, first: int | None, second: int | None) -> tuple[Photo, Photo | None]:
    """The two photos to set side by side: the chosen ones when they belong to the series, else
    the first session's against the latest's."""
    ids = {p.pk: p for p in series.photos}
    a = ids.get(first) if first else None
    b = ids.get(second) if second else None
    a = a or series.photos[0]
    b = b or (series.photos[-1] if len(series.photos) > 1 else None)
    return a, b if b is not a else None


def _label(appointment: Appointment, day: date) -> str:
    number = f"Session {appointment.session_number}, " if appointment.session_number else ""
    return f"{number}{day.day} {day:%B %Y}"
