from django.contrib.auth import views as auth_views
from django.urls import path

from clinic import two_factor

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
]
