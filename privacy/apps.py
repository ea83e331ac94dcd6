from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The top floor: a patient's data export and erasure, composed from each app's own part."""

    name = "privacy"
    verbose_name = "Data rights"
