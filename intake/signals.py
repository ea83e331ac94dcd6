"""What intake tells the rest of the clinic. Bookings listens; intake never imports bookings.

Each signal carries ids only (the receivers reload rows), and is sent inside the transaction that
decided the intake, so the receivers' writes commit or roll back with the decision.
"""

from django.dispatch import Signal

# intake_id, sessions (or None: protocol default), interval_days (or None)
intake_cleared = Signal()
# intake_id: a practitioner declined it; held appointments are released
intake_declined = Signal()
# intake_id: an absolute contraindication; no course is scheduled, practitioners are told
intake_not_suitable = Signal()
