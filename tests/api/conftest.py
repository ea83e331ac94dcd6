# The clinic fixtures are shared with the bookings tests.
from tests.bookings.conftest import clinic, frozen_now, reception  # noqa: F401
