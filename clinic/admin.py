from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clinic.admin_site.base import ReadOnlyAdmin
from clinic.audit import audit_record
from clinic.models import AuditEvent, Location, Notification, Patient, Practitioner, Room, User
from clinic.privacy import ERASED_NAME, patient_erased_at


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Roles and access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["groups"]


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "country", "subdivision", "phone", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["staff"]
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "is_active"]
    list_filter = ["location", "is_active"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "registration_body", "registration_number", "is_active"]
    list_filter = ["locations", "is_active"]
    search_fields = ["display_name", "registration_number", "user__email"]
    filter_horizontal = ["locations"]
    autocomplete_fields = ["user"]


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "date_of_birth", "email", "phone", "data_rights"]

    @admin.display(description="Data rights")
    def data_rights(self, obj: Patient) -> str:
        if obj.first_name == ERASED_NAME and patient_erased_at(obj):
            return format_html('<a href="{}">Export</a> · erased', reverse("patient-export", args=[obj.pk]))
        return format_html(
            '<a href="{}">Export</a> · <a href="{}">Erase</a>',
            reverse("patient-export", args=[obj.pk]),
            reverse("patient-erase", args=[obj.pk]),
        )

    search_fields = ["last_name", "first_name", "email", "phone"]
    autocomplete_fields = ["user"]
    # Kept by the bookings service (where the patient has been booked), not typed in.
    readonly_fields = ["locations"]

    def save_model(self, request, obj: Patient, form, change: bool) -> None:
        # Patient details changed here are audited like those changed through the clinic's pages.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="patient.update" if change else "patient.create",
                obj=obj,
                patient=obj,
                details={"fields": sorted(form.changed_data), "via": "admin"},
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        # A patient leaves through erasure (audited, keeps what must be retained), never a delete.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Append-only: nobody adds, changes or deletes audit rows here."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "patient", "address"]
    # A manager filters the trail by patient and by staff member (only people who appear in it
    # are offered), or searches by name or email.
    list_filter = [
        ("patient", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "action",
        "object_type",
    ]
    search_fields = ["patient__last_name", "patient__first_name", "patient__email", "actor__email", "action"]
    date_hierarchy = "at"
    list_select_related = ["actor", "patient"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only: clinic.outbox alone writes these rows. Filtered on "Failed" (dead) it is the
    staff's list of messages that could not be sent and need a phone call instead."""

    list_display = ["due_at", "kind", "channel", "status", "attempts", "last_error"]
    list_filter = ["status", "kind"]
    date_hierarchy = "due_at"
    ordering = ["-due_at"]
