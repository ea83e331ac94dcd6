"""The photos' pixels, for every audience the access rules allow."""

from django.urls import path

from photos.web import images

urlpatterns = [
    path("photos/<int:pk>/image.jpg", images.photo_image, name="photo-image"),
    path("photos/<int:pk>/thumbnail.jpg", images.photo_thumbnail, name="photo-thumbnail"),
]
