"""Patient data rights for clinic managers: export (HTML and JSON) and erasure."""

from django.urls import path

from bookings import data_rights

urlpatterns = [
    path("staff/patients/<int:pk>/export.json", data_rights.patient_export_json, name="patient-export-json"),
    path("staff/patients/<int:pk>/export/", data_rights.patient_export_page, name="patient-export"),
    path("staff/patients/<int:pk>/erase/", data_rights.patient_erase_page, name="patient-erase"),
]
