from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from clinic.roles import sync_role_groups

        # Permissions only exist after every app migrated, so groups get theirs here.
        post_migrate.connect(sync_role_groups, dispatch_uid="clinic.sync_role_groups")

        from django.contrib.auth.signals import user_logged_in

        from clinic.security import staff_session_on_login

        user_logged_in.connect(staff_session_on_login, dispatch_uid="clinic.staff_session_on_login")
