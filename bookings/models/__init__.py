"""Bookings' models, one module per subdomain; imported from here (Django's app registry and the
migrations know them as bookings.<Model>)."""

from bookings.models.appointments import MAX_APPOINTMENT, Appointment, AppointmentQuerySet, CalendarFeed, new_feed_token
from bookings.models.courses import Course, CourseQuerySet
from bookings.models.diary import (
    BookingRules,
    HolidayOpening,
    LocationClosure,
    MessageSettings,
    TimeOff,
    Weekday,
    WorkingHours,
)
from bookings.models.records import SESSION_MAX_VOLUME_ML, SessionRecord

__all__ = [
    "new_feed_token",
    "MAX_APPOINTMENT",
    "SESSION_MAX_VOLUME_ML",
    "Appointment",
    "AppointmentQuerySet",
    "BookingRules",
    "CalendarFeed",
    "Course",
    "CourseQuerySet",
    "HolidayOpening",
    "LocationClosure",
    "MessageSettings",
    "SessionRecord",
    "TimeOff",
    "Weekday",
    "WorkingHours",
]
