"""Managers edit the catalogue here; every save or delete makes a new catalogue version."""

from django.contrib import admin

from clinic.admin_site.base import ReadOnlyAdmin, SingleRowAdmin
from intake.catalogue import catalogue_bump
from intake.models import (
    CatalogueVersion,
    Consent,
    ConsentText,
    ContraindicationItem,
    IntakeSettings,
    MedicationClass,
    PhotoConsent,
)


class VersionedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        catalogue_bump(by=request.user, note=f"{'Changed' if change else 'Added'} {obj._meta.verbose_name} {obj}")

    def delete_model(self, request, obj) -> None:
        note = f"Deleted {obj._meta.verbose_name} {obj}"
        super().delete_model(request, obj)
        catalogue_bump(by=request.user, note=note)

    def delete_queryset(self, request, queryset) -> None:
        note = f"Deleted {queryset.count()} {queryset.model._meta.verbose_name_plural}"
        super().delete_queryset(request, queryset)
        catalogue_bump(by=request.user, note=note)


@admin.register(ContraindicationItem)
class ContraindicationItemAdmin(VersionedAdmin):
    list_display = ["code", "severity", "applies_to", "is_active", "position"]
    list_filter = ["severity", "is_active"]
    search_fields = ["code", "question"]


@admin.register(MedicationClass)
class MedicationClassAdmin(VersionedAdmin):
    list_display = ["name", "names"]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "created_at", "created_by", "note"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """New wording is a new version: existing versions are read-only (consents point at them)."""

    list_display = ["treatment", "version", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IntakeSettings)
class IntakeSettingsAdmin(SingleRowAdmin):
    list_display = ["__str__", "require_signoff_for_all", "validity_days"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["patient", "text", "typed_name", "accepted_at"]


@admin.register(PhotoConsent)
class PhotoConsentAdmin(ConsentAdmin):
    list_display = ["patient", "purpose", "granted_at", "revoked_at"]
