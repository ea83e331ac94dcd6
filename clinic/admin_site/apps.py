from django.contrib.admin.apps import AdminConfig


class ClinicAdminConfig(AdminConfig):
    """Django's admin, on the site that also asks for the second factor. Kept in its own module:
    INSTALLED_APPS imports it before any model can load."""

    default_site = "clinic.admin_site.site.ClinicAdminSite"
