"""The public pages: the home page and the treatment catalogue."""

from django.urls import path

from treatments import views

urlpatterns = [
    path("", views.home, name="home"),
    path("treatments/", views.treatment_list, name="treatment-list"),
    path("treatments/<slug:slug>/", views.treatment_detail, name="treatment-detail"),
]
