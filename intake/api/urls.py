"""The intake API, included under /api/ by config/urls.py."""

from django.urls import path

from intake.api import views

urlpatterns = [
    path("intakes/", views.IntakeListView.as_view(), name="api-intakes"),
    path("intakes/<int:pk>/", views.IntakeDetailView.as_view(), name="api-intake"),
    path("intakes/<int:pk>/consent/", views.IntakeConsentView.as_view(), name="api-intake-consent"),
    path("intakes/<int:pk>/submit/", views.IntakeSubmitView.as_view(), name="api-intake-submit"),
    path("intakes/<int:pk>/decision/", views.IntakeDecisionView.as_view(), name="api-intake-decision"),
    path("review-queue/", views.ReviewQueueView.as_view(), name="api-review-queue"),
]
