from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self) -> None:
        from bookings import receivers
        from bookings.messages.registry import renderers_register
        from intake import signals

        # Renderers for the web processes and the worker alike: each kind is sent by the outbox.
        renderers_register()
        signals.intake_cleared.connect(receivers.on_intake_cleared, dispatch_uid="bookings.intake_cleared")
        signals.intake_declined.connect(receivers.on_intake_declined, dispatch_uid="bookings.intake_declined")
        signals.intake_not_suitable.connect(
            receivers.on_intake_not_suitable, dispatch_uid="bookings.intake_not_suitable"
        )
