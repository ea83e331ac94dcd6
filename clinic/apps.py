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

        from clinic.accounts.security import staff_session_on_login

        user_logged_in.connect(staff_session_on_login, dispatch_uid="clinic.staff_session_on_login")

        from django.db.models.signals import post_delete, post_save, pre_save

        from clinic.accounts.tokens import user_tokens_follow_credentials
        from clinic.models import User

        # A new password or a disabled account revokes the user's API tokens.
        pre_save.connect(user_tokens_follow_credentials, sender=User, dispatch_uid="clinic.user_tokens")
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from clinic.accounts.two_factor import device_forget

        # The middleware caches a session's verifying device: a saved or removed one is re-read.
        for model in (TOTPDevice, StaticDevice):
            for signal in (post_save, post_delete):
                signal.connect(device_forget, sender=model, dispatch_uid=f"clinic.device_forget.{model.__name__}")

        # The outbox renderers of the accounts' messages, registered for the web and the worker alike.
        from clinic.accounts.invites import INVITE_KIND, render_invite
        from clinic.accounts.password_reset import RESET_KIND, render_password_reset
        from clinic.outbox import register

        register(INVITE_KIND)(render_invite)
        register(RESET_KIND)(render_password_reset)
