"""Only the clinic's photo policy is in the admin: the photos themselves are clinical data, read
through the audited pages alone."""

from django.contrib import admin

from clinic.admin_site.base import SingleRowAdmin
from photos.models import PhotoSettings


@admin.register(PhotoSettings)
class PhotoSettingsAdmin(SingleRowAdmin):
    list_display = ("__str__", "patients_may_view", "retention_days_after_withdrawal")
