from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "waitlist"

    def ready(self) -> None:
        from bookings import signals
        from bookings.diary.badges import free_cell_counts_register
        from clinic.extensions import block_register
        from clinic.outbox import register
        from waitlist import receivers
        from waitlist.badges import waiting_for_freed_cells
        from waitlist.extensions import my_waiting_list
        from waitlist.messages import render_offer
        from waitlist.offers import OFFER_KIND

        block_register("bookings.my_appointments", my_waiting_list)
        signals.appointment_cancelled.connect(receivers.on_appointment_cancelled, dispatch_uid="waitlist.cancelled")
        signals.appointment_moved.connect(receivers.on_appointment_moved, dispatch_uid="waitlist.moved")
        signals.working_hours_changed.connect(receivers.on_working_hours_changed, dispatch_uid="waitlist.hours")
        signals.time_off_removed.connect(receivers.on_time_off_removed, dispatch_uid="waitlist.time_off")
        register(OFFER_KIND)(render_offer)
        # The day diary's freed cells show how many are waiting for them (one query).
        free_cell_counts_register(waiting_for_freed_cells)
