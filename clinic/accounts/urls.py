"""Signing in (with the second factor for staff), claiming an account, and Django's auth pages."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic.accounts import two_factor, views
from clinic.accounts.password_reset import OutboxPasswordResetForm

urlpatterns = [
    # Before django.contrib.auth.urls: staff go on from the password to the second factor.
    path("accounts/login/", two_factor.ClinicLoginView.as_view(), name="login"),
    path("accounts/two-factor/", two_factor.two_factor, name="two-factor"),
    # A stolen staff password alone must not be enough to change it (and lock the owner out).
    path(
        "accounts/password_change/",
        two_factor.second_factor_first(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    # Before django.contrib.auth.urls: the reset email is an outbox row, not SMTP in the request.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/claim/<str:token>/", views.account_claim, name="account-claim"),
    path("accounts/register/", views.account_register, name="register"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
]
