"""A patient's own appointments and calendar: the list, cancelling, .ics files and the feed."""

from django.urls import path

from bookings.web.patient import feeds, views

urlpatterns = [
    path("me/appointments/", views.my_appointments, name="my-appointments"),
    path("me/appointments/<int:pk>/cancel/", views.my_appointment_cancel, name="my-appointment-cancel"),
    path("me/appointments/<int:pk>/ics", feeds.appointment_ics, name="appointment-ics"),
    path("me/calendar/", feeds.calendar_feed_page, name="calendar-feed"),
    # The feed is fetched by calendar servers that cannot sign in: the token is the credential.
    path("calendar/<str:token>.ics", feeds.calendar_feed_ics, name="calendar-feed-ics"),
]
