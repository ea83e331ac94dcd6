from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The top floor: the manager's reports, read from every app below; nothing imports it."""

    name = "reports"
    verbose_name = "Reports"
