from django.contrib import admin

from bookings.models import Appointment, BookingRules, LocationClosure, MessageSettings, TimeOff, WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "location", "weekday", "start", "end"]
    list_filter = ["location", "practitioner", "weekday"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "start", "end", "reason"]
    list_filter = ["practitioner"]
    date_hierarchy = "start"


@admin.register(LocationClosure)
class LocationClosureAdmin(admin.ModelAdmin):
    list_display = ["location", "first_day", "last_day", "reason"]
    list_filter = ["location"]


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "slot_granularity_minutes", "min_notice_hours", "horizon_days", "buffer_minutes",
        "cancellation_cutoff_hours", "numbing_cream_minutes",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not BookingRules.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-only: appointments change through the booking services, which audit every change."""

    list_display = ["start", "patient", "practitioner", "location", "treatment", "status", "is_override"]
    list_filter = ["location", "status", "kind", "is_override"]
    date_hierarchy = "start"
    list_select_related = ["patient", "practitioner", "location", "treatment"]
    search_fields = ["patient__last_name", "patient__first_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MessageSettings)
class MessageSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not MessageSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
