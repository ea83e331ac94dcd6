"""Admin bases shared by the apps: records nobody edits here, and one-row settings."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services (which audit them): the admin lists, never edits."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SingleRowAdmin(admin.ModelAdmin):
    """Clinic-wide settings kept in one row: it can be added once and never deleted."""

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
