"""The staff diary: reception's day view of a location and the actions taken from it."""

from django.urls import path

from bookings import diary_actions, diary_booking, diary_views

urlpatterns = [
    path("staff/diary/<slug:location>/", diary_views.diary_day, name="diary-day"),
    path("staff/diary/<slug:location>/book/", diary_booking.diary_book, name="diary-book"),
    path(
        "staff/diary/<slug:location>/patients/search/", diary_booking.diary_patient_search, name="diary-patient-search"
    ),  # fmt: skip
    path("staff/diary/appointments/<int:pk>/", diary_actions.appointment_panel, name="diary-appointment"),
    path("staff/diary/appointments/<int:pk>/move/", diary_actions.appointment_move, name="diary-appointment-move"),
    path(
        "staff/diary/appointments/<int:pk>/cancel/",
        diary_actions.appointment_cancel_view,
        name="diary-appointment-cancel",
    ),  # fmt: skip
    path(
        "staff/diary/appointments/<int:pk>/status/", diary_actions.appointment_status, name="diary-appointment-status"
    ),  # fmt: skip
]
