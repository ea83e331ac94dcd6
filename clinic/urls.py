from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bookings import api as booking_api
from bookings import booking_views as booking_flow
from bookings import patient_views
from bookings import staff_views as booking_staff
from clinic import api as clinic_api
from clinic import views
from treatments import api as treatment_api
from treatments import views as treatment_views

api_patterns = [
    path("", include("intake.api_urls")),
    path("auth/token/", clinic_api.TokenView.as_view(), name="api-token"),
    path("patients/register/", clinic_api.PatientRegisterView.as_view(), name="api-register"),
    path("treatments/", treatment_api.TreatmentListView.as_view(), name="api-treatments"),
    path("locations/", booking_api.LocationListView.as_view(), name="api-locations"),
    path("practitioners/", booking_api.PractitionerListView.as_view(), name="api-practitioners"),
    path("availability/", booking_api.AvailabilityView.as_view(), name="api-availability"),
    path("appointments/", booking_api.AppointmentListCreateView.as_view(), name="api-appointments"),
    path("appointments/<int:pk>/", booking_api.AppointmentDetailView.as_view(), name="api-appointment"),
    path("appointments/<int:pk>/cancel/", booking_api.AppointmentCancelView.as_view(), name="api-appointment-cancel"),
    path(
        "appointments/<int:pk>/reschedule/",
        booking_api.AppointmentRescheduleView.as_view(),
        name="api-appointment-reschedule",
    ),
    path("appointments/<int:pk>/status/", booking_api.AppointmentStatusView.as_view(), name="api-appointment-status"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("treatments/", treatment_views.treatment_list, name="treatment-list"),
    path("treatments/<slug:slug>/", treatment_views.treatment_detail, name="treatment-detail"),
    path("booking/details/", booking_flow.book_details, name="book-details"),
    path("booking/review/", booking_flow.book_review, name="book-review"),
    path("booking/confirmed/<int:pk>/", booking_flow.book_confirmed, name="book-confirmed"),
    path("book/<slug:slug>/", booking_flow.book_start, name="book-start"),
    path("book/<slug:slug>/hold/", booking_flow.book_hold, name="book-hold"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/recalls/", booking_staff.recall_list, name="recall-list"),
    path("", include("bookings.data_rights_urls")),
    path("", include("bookings.diary_urls")),
    path("", include("bookings.diary_extra_urls")),
    path("", include("bookings.hours_urls")),
    path("", include("bookings.practice_urls")),
    path("staff/recalls/<int:pk>/contacted/", booking_staff.recall_contacted, name="recall-contacted"),
    path("", include("bookings.feed_urls")),
    path("", include("intake.urls")),
    path("", include("intake.staff_urls")),
    path("me/appointments/", patient_views.my_appointments, name="my-appointments"),
    path("me/appointments/<int:pk>/cancel/", patient_views.my_appointment_cancel, name="my-appointment-cancel"),
    path("", include("clinic.two_factor_urls")),
    path("", include("clinic.invite_urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

# JSON, not an HTML page, for a path under /api/ that matches no endpoint.
handler404 = "clinic.views.not_found"
