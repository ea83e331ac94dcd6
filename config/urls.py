"""The root URLconf: only includes. Each app routes its own pages, one module per audience."""

from django.contrib import admin
from django.urls import include, path

api_patterns = [
    path("", include("clinic.accounts.api_urls")),
    path("", include("treatments.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include("intake.api.urls")),
    path("", include("waitlist.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("clinic.schema_urls")),
]

urlpatterns = [
    path("", include("clinic.urls")),
    path("", include("treatments.urls")),
    path("", include("bookings.web.public.urls")),
    path("", include("bookings.web.patient.urls")),
    path("", include("bookings.web.reception.urls")),
    path("", include("bookings.web.practitioner.urls")),
    path("", include("intake.web.patient.urls")),
    path("", include("intake.web.practitioner.urls")),
    path("", include("photos.web.practitioner.urls")),
    path("", include("photos.web.patient.urls")),
    path("", include("photos.web.urls")),
    path("", include("waitlist.web.patient.urls")),
    path("", include("waitlist.web.reception.urls")),
    path("", include("billing.web.urls")),
    path("", include("privacy.urls")),
    path("", include("reports.web.manager.urls")),
    path("", include("clinic.accounts.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

# JSON, not an HTML page, for a path under /api/ that matches no endpoint.
handler404 = "clinic.views.not_found"
