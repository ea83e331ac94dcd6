from django.contrib import admin

from bookings.models import WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "location", "weekday", "start", "end"]
    list_filter = ["location", "practitioner", "weekday"]
