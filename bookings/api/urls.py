"""The diary's JSON API, included under /api/."""

from django.urls import path

from bookings.api import views

urlpatterns = [
    path("locations/", views.LocationListView.as_view(), name="api-locations"),
    path("practitioners/", views.PractitionerListView.as_view(), name="api-practitioners"),
    path("availability/", views.AvailabilityView.as_view(), name="api-availability"),
    path("appointments/", views.AppointmentListCreateView.as_view(), name="api-appointments"),
    path("appointments/<int:pk>/", views.AppointmentDetailView.as_view(), name="api-appointment"),
    path("appointments/<int:pk>/cancel/", views.AppointmentCancelView.as_view(), name="api-appointment-cancel"),
    path(
        "appointments/<int:pk>/reschedule/",
        views.AppointmentRescheduleView.as_view(),
        name="api-appointment-reschedule",
    ),
    path("appointments/<int:pk>/status/", views.AppointmentStatusView.as_view(), name="api-appointment-status"),
    path("courses/", views.CourseListView.as_view(), name="api-courses"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="api-course"),
]
