from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from billing import extensions, receivers
        from billing.models import BillingSettings, DepositRule, Price, VatRate
        from billing.selectors import tariff_forget
        from bookings import signals

        signals.appointment_booked.connect(receivers.on_booked, dispatch_uid="billing.booked")
        signals.appointment_cancelled.connect(receivers.on_cancelled, dispatch_uid="billing.cancelled")
        signals.appointment_status_changed.connect(receivers.on_status_changed, dispatch_uid="billing.status")
        for model in (Price, VatRate, DepositRule, BillingSettings):
            post_save.connect(tariff_forget, sender=model, dispatch_uid=f"billing.forget.save.{model.__name__}")
            post_delete.connect(tariff_forget, sender=model, dispatch_uid=f"billing.forget.delete.{model.__name__}")
        extensions.register()
