"""Patient data rights for clinic managers: export (HTML and JSON) and erasure."""

from django.urls import path

from bookings import data_rights_views

urlpatterns = [
    path("staff/patients/<int:pk>/export.json", data_rights_views.patient_export_json, name="patient-export-json"),
    path("staff/patients/<int:pk>/export/", data_rights_views.patient_export_page, name="patient-export"),
    path("staff/patients/<int:pk>/erase/", data_rights_views.patient_erase_page, name="patient-erase"),
]
