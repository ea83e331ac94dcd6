"""The practitioner's review pages; clinic/urls.py includes this module at the root."""

from django.urls import path

from intake import staff_views

urlpatterns = [
    path("practitioner/reviews/", staff_views.review_queue_page, name="review-queue"),
    path("practitioner/reviews/<int:pk>/", staff_views.review_detail, name="review-detail"),
]
