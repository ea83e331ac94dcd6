"""Working hours and time off screens (practitioners their own, managers everyone's)."""

from django.urls import path

from bookings import hours_views

urlpatterns = [
    path("staff/hours/", hours_views.hours_home, name="hours-home"),
    path("staff/hours/<int:pk>/", hours_views.hours_practitioner, name="hours-practitioner"),
    path("staff/hours/<int:pk>/at/<slug:location>/", hours_views.hours_edit, name="hours-edit"),
    path("staff/hours/<int:pk>/time-off/", hours_views.time_off_create, name="time-off-create"),
    path("staff/hours/<int:pk>/time-off/<int:time_off>/remove/", hours_views.time_off_delete, name="time-off-remove"),
]
