"""A patient's own photos (when the clinic allows it)."""

from django.urls import path

from photos.web.patient import views

urlpatterns = [
    path("me/photos/", views.my_photos, name="my-photos"),
    path("me/photos/courses/<int:pk>/", views.my_course_photos, name="my-course-photos"),
]
