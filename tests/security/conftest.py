from tests.bookings.conftest import clinic, frozen_now, reception  # noqa: F401
