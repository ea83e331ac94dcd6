"""Admin bases shared by the apps: records nobody edits here, and one-row settings."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters


class DateHierarchyGuard:
    """A date hierarchy's ?start__year=99999999999999999999 overflows inside Django's changelist
    (which turns only a ValueError into its "invalid lookup" page): the same page, not a 500."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)  # type: ignore[misc]
        except OverflowError as exc:
            raise IncorrectLookupParameters(exc) from exc


class ReadOnlyAdmin(DateHierarchyGuard, admin.ModelAdmin):
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
