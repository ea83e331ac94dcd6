"""Patient data rights for clinic managers: export (HTML and JSON) and erasure."""

from django.urls import path

from privacy import views

urlpatterns = [
    path("staff/patients/<int:pk>/export.json", views.patient_export_json, name="patient-export-json"),
    path("staff/patients/<int:pk>/export.zip", views.patient_export_zip, name="patient-export-archive"),
    path("staff/patients/<int:pk>/export/", views.patient_export_page, name="patient-export"),
    path("staff/patients/<int:pk>/erase/", views.patient_erase_page, name="patient-erase"),
]
