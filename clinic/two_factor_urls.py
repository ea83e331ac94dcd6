from django.urls import path

from clinic import two_factor

urlpatterns = [
    # Before django.contrib.auth.urls: staff go on from the password to the second factor.
    path("accounts/login/", two_factor.ClinicLoginView.as_view(), name="login"),
    path("accounts/two-factor/", two_factor.two_factor, name="two-factor"),
]
