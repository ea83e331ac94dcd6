"""The intake API, included under /api/ by clinic/urls.py."""

from django.urls import path

from intake import api

urlpatterns = [
    path("intakes/<int:pk>/", api.IntakeDetailView.as_view(), name="api-intake"),
    path("intakes/<int:pk>/submit/", api.IntakeSubmitView.as_view(), name="api-intake-submit"),
    path("intakes/<int:pk>/decision/", api.IntakeDecisionView.as_view(), name="api-intake-decision"),
    path("review-queue/", api.ReviewQueueView.as_view(), name="api-review-queue"),
]
