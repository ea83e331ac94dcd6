"""The staff diary: reception's read-only day view of a location."""

from django.urls import path

from bookings import diary_views

urlpatterns = [
    path("staff/diary/<slug:location>/", diary_views.diary_day, name="diary-day"),
]
