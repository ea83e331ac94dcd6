"""The practitioner's day, session records and the patient record; included at the root."""

from django.urls import path

from bookings import practice_views

urlpatterns = [
    path("practitioner/day/", practice_views.practitioner_day, name="practitioner-day"),
    path(
        "practitioner/appointments/<int:pk>/session-record/",
        practice_views.session_record_detail,
        name="session-record",
    ),
    path(
        "practitioner/appointments/<int:pk>/session-record/edit/",
        practice_views.session_record_edit,
        name="session-record-edit",
    ),
    path("staff/patients/<int:pk>/", practice_views.patient_record, name="patient-record"),
]
