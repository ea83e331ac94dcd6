"""Accounts over the API: a token for an app, and patient registration."""

from django.urls import path

from clinic.accounts import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("patients/register/", api.PatientRegisterView.as_view(), name="api-register"),
]
