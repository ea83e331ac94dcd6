"""The patient's health questionnaire pages (included at the site root by clinic/urls.py)."""

from django.urls import path

from intake.web.patient import views

urlpatterns = [
    path("me/intake/", views.intake_list, name="intake-list"),
    path("me/intake/<int:pk>/step/<int:step>/", views.intake_step, name="intake-step"),
    path("me/intake/<int:pk>/done/", views.intake_done, name="intake-done"),
    path("me/intake/<int:pk>/recheck/", views.intake_recheck, name="intake-recheck"),
    path("me/photo-consent/", views.photo_consent, name="photo-consent"),
]
