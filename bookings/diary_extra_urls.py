"""The diary beyond the day view: a practitioner's week, the day as CSV or for printing, and
reception's list of unfinished work."""

from django.urls import path

from bookings import day_list, diary_week, worklist_views

urlpatterns = [
    path(
        "staff/diary/<slug:location>/practitioners/<int:practitioner>/week/",
        diary_week.diary_week,
        name="diary-week",
    ),
    path("staff/diary/<slug:location>/day.csv", day_list.day_list_csv, name="diary-day-csv"),
    path("staff/diary/<slug:location>/print/", day_list.day_list_print, name="diary-day-print"),
    path("staff/worklist/", worklist_views.worklist, name="worklist"),
]
