from django.urls import path

from treatments.api import views

urlpatterns = [
    path("treatments/", views.TreatmentListView.as_view(), name="api-treatments"),
]
