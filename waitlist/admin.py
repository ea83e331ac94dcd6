from django.contrib import admin

from waitlist.models import WaitlistSettings


@admin.register(WaitlistSettings)
class WaitlistSettingsAdmin(admin.ModelAdmin):
    list_display = ("location", "hold_minutes", "quiet_start", "quiet_end")
