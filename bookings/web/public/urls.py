"""Online booking: treatment, area, location, practitioner, day, time, details, review, confirm."""

from django.urls import path

from bookings.web.public import views

urlpatterns = [
    path("booking/details/", views.book_details, name="book-details"),
    path("booking/review/", views.book_review, name="book-review"),
    path("booking/confirmed/<int:pk>/", views.book_confirmed, name="book-confirmed"),
    path("book/<slug:slug>/", views.book_start, name="book-start"),
    path("book/<slug:slug>/hold/", views.book_hold, name="book-hold"),
]
