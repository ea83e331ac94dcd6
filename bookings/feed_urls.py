"""Calendar URLs: the patient's feed page, the token-only feed, one appointment's .ics."""

from django.urls import path

from bookings import feeds

urlpatterns = [
    path("me/calendar/", feeds.calendar_feed_page, name="calendar-feed"),
    path("calendar/<str:token>.ics", feeds.calendar_feed_ics, name="calendar-feed-ics"),
    path("me/appointments/<int:pk>/ics", feeds.appointment_ics, name="appointment-ics"),
]
