"""A practitioner's pages: their day, session records, and working hours and time off."""

from django.urls import path

from bookings.web.practitioner import clearance, hours, views

urlpatterns = [
    path("practitioner/day/", views.practitioner_day, name="practitioner-day"),
    path("practitioner/appointments/<int:pk>/session-record/", views.session_record_detail, name="session-record"),
    path(
        "practitioner/appointments/<int:pk>/session-record/edit/",
        views.session_record_edit,
        name="session-record-edit",
    ),
    path("practitioner/appointments/<int:pk>/proceed/", clearance.appointment_proceed, name="practitioner-proceed"),
    path(
        "practitioner/appointments/<int:pk>/health-confirmed/",
        clearance.appointment_health_confirmed,
        name="practitioner-health-confirmed",
    ),
    path("staff/hours/", hours.hours_home, name="hours-home"),
    path("staff/hours/<int:pk>/", hours.hours_practitioner, name="hours-practitioner"),
    path("staff/hours/<int:pk>/at/<slug:location>/", hours.hours_edit, name="hours-edit"),
    path("staff/hours/<int:pk>/time-off/", hours.time_off_create, name="time-off-create"),
    path("staff/hours/<int:pk>/time-off/<int:time_off>/remove/", hours.time_off_delete, name="time-off-remove"),
]
