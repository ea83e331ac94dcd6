from django.contrib import admin

from bookings.models import (
    Appointment,
    BookingRules,
    HolidayOpening,
    LocationClosure,
    MessageSettings,
    TimeOff,
    WorkingHours,
)
from clinic.admin_site.base import DateHierarchyGuard, ReadOnlyAdmin, SingleRowAdmin


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "location", "weekday", "start", "end"]
    list_filter = ["location", "practitioner", "weekday"]


@admin.register(TimeOff)
class TimeOffAdmin(DateHierarchyGuard, admin.ModelAdmin):
    list_display = ["practitioner", "start", "end", "reason"]
    list_filter = ["practitioner"]
    date_hierarchy = "start"


@admin.register(LocationClosure)
class LocationClosureAdmin(admin.ModelAdmin):
    list_display = ["location", "first_day", "last_day", "reason"]
    list_filter = ["location"]


@admin.register(HolidayOpening)
class HolidayOpeningAdmin(admin.ModelAdmin):
    """Public holidays close a location (its country and subdivision); a row here opens it on one."""

    list_display = ["location", "day", "note"]
    list_filter = ["location"]


@admin.register(BookingRules)
class BookingRulesAdmin(SingleRowAdmin):
    list_display = [
        "__str__",
        "slot_granularity_minutes",
        "min_notice_hours",
        "horizon_days",
        "buffer_minutes",
        "cancellation_cutoff_hours",
        "numbing_cream_minutes",
    ]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Read-only: appointments change through the booking services, which audit every change."""

    list_display = ["start", "patient", "practitioner", "location", "treatment", "status", "is_override"]
    list_filter = ["location", "status", "kind", "is_override"]
    date_hierarchy = "start"
    list_select_related = ["patient", "practitioner", "location", "treatment"]
    search_fields = ["patient__last_name", "patient__first_name"]


@admin.register(MessageSettings)
class MessageSettingsAdmin(SingleRowAdmin):
    """The messages the clinic sends and their lead times."""
