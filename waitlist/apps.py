from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "waitlist"

    def ready(self) -> None:
        from bookings import signals
        from clinic.outbox import register
        from waitlist import receivers
        from waitlist.messages import render_offer
        from waitlist.offers import OFFER_KIND

        signals.appointment_cancelled.connect(receivers.on_appointment_cancelled, dispatch_uid="waitlist.cancelled")
        signals.appointment_moved.connect(receivers.on_appointment_moved, dispatch_uid="waitlist.moved")
        register(OFFER_KIND)(render_offer)
