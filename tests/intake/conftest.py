# The clinic fixtures are shared with the bookings tests (intake tests may import bookings).
from tests.bookings.conftest import clinic, frozen_now, reception  # noqa: F401
