"""A practitioner's photo pages."""

from django.urls import path

from photos.web.practitioner import views

urlpatterns = [
    path("practitioner/appointments/<int:pk>/photos/", views.session_photos_page, name="session-photos"),
    path("practitioner/courses/<int:pk>/photos/", views.course_photos_page, name="course-photos"),
    path("practitioner/photos/<int:pk>/remove/", views.photo_remove_page, name="photo-remove"),
]
