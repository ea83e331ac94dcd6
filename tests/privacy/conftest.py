# The clinic fixtures of the bookings tests, for tests here that need a whole clinic.
from tests.bookings.conftest import clinic, frozen_now, reception  # noqa: F401
