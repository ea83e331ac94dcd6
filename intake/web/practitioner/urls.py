"""The practitioner's review pages; clinic/urls.py includes this module at the root."""

from django.urls import path

from intake.web.practitioner import views

urlpatterns = [
    path("practitioner/reviews/", views.review_queue_page, name="review-queue"),
    path("practitioner/reviews/<int:pk>/", views.review_detail, name="review-detail"),
]
