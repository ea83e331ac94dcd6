"""Reception's pages: the diary (day, week, booking, actions), the day list, the worklist,
maintenance recalls and the patient record."""

from django.urls import path

from bookings.web.reception import (
    actions,
    booking,
    clearance,
    day,
    day_list,
    directory,
    invite,
    patients,
    recalls,
    week,
    worklist,
)

urlpatterns = [
    path("staff/diary/<slug:location>/", day.diary_day, name="diary-day"),
    path("staff/diary/<slug:location>/book/", booking.diary_book, name="diary-book"),
    path("staff/diary/<slug:location>/patients/search/", booking.diary_patient_search, name="diary-patient-search"),
    path("staff/diary/<slug:location>/day.csv", day_list.day_list_csv, name="diary-day-csv"),
    path("staff/diary/<slug:location>/print/", day_list.day_list_print, name="diary-day-print"),
    path("staff/diary/<slug:location>/practitioners/<int:practitioner>/week/", week.diary_week, name="diary-week"),
    path("staff/diary/appointments/<int:pk>/", actions.appointment_panel, name="diary-appointment"),
    path("staff/diary/appointments/<int:pk>/move/", actions.appointment_move, name="diary-appointment-move"),
    path("staff/diary/appointments/<int:pk>/cancel/", actions.appointment_cancel_view, name="diary-appointment-cancel"),
    path("staff/diary/appointments/<int:pk>/status/", actions.appointment_status, name="diary-appointment-status"),
    path(
        "staff/diary/appointments/<int:pk>/questionnaire/",
        clearance.appointment_questionnaire,
        name="diary-appointment-questionnaire",
    ),
    path("staff/worklist/", worklist.worklist, name="worklist"),
    path("staff/recalls/", recalls.recall_list, name="recall-list"),
    path("staff/recalls/<int:pk>/contacted/", recalls.recall_contacted, name="recall-contacted"),
    path("staff/patients/", directory.patient_directory, name="patient-directory"),
    path("staff/patients/<int:pk>/", patients.patient_record, name="patient-record"),
    path("staff/patients/<int:pk>/contact/", directory.patient_contact, name="patient-contact"),
    path("staff/patients/<int:pk>/invite/", invite.patient_invite, name="patient-invite"),
]
