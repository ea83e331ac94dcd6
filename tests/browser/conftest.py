"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium (`.ci/run` installs it
with apt-get). Run only these with `pytest -m browser`, or skip them with `-m "not browser"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.db import connections

from bookings.models import HolidayOpening
from clinic.holidays import public_holidays
from clinic.models import Location, Practitioner, Room
from tests.bookings.conftest import make_practitioner
from tests.factories import LocationFactory, RoomFactory
from treatments.models import Treatment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright():
    """Let the ORM run in the thread where Playwright's event loop runs.

    Playwright's sync API runs an asyncio event loop in this (the main) thread, and Django refuses
    ORM calls from a thread with a running event loop (SynchronousOnlyOperation). The fixtures and
    assertions here query the database from that thread while the browser is open, and nothing here
    is actually async, so the check is switched off: for this folder's tests only, because the
    variable is inherited by subprocesses, and `manage.py check --deploy` (tests/clinic/test_settings.py)
    rightly fails with async.E001 when it is set.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def chromium(_orm_beside_playwright, django_db_setup):
    """One Chromium for the folder, closed after its last test so no event loop outlives it."""
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    test_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as p:
        # With an event loop running in this thread, Django's connection handler (an asgiref Local)
        # keeps a second, "async" set of connections, which would lack what pytest-django attached
        # to the test database's connections, notably the data that serialized_rollback restores
        # (the seeded treatment catalogue): keep using the same connections as every other test.
        for alias, connection in test_connections.items():
            connections[alias] = connection
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageProblems:
    """What went wrong in the page that no assertion on its content would notice."""

    failed_responses: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.failed_responses or self.script_errors)


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(chromium, live_server, page_problems):
    """A fresh, cookie-less browser tab on the live server (a new patient's browser)."""
    # Reduced motion switches off Bootstrap's colour transitions, so axe never measures a button
    # halfway through its hover fade (a contrast "violation" that depends on timing).
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("response", lambda r: r.status >= 400 and page_problems.failed_responses.append(f"{r.status} {r.url}"))
    tab.on("pageerror", lambda error: page_problems.script_errors.append(str(error)))
    yield tab
    context.close()


@dataclass
class BrowserClinic:
    location: Location
    rooms: list[Room]
    practitioner: Practitioner
    treatment: Treatment


@pytest.fixture
def booking_clinic(transactional_db) -> BrowserClinic:
    """One London location, two rooms and one practitioner offering skin rejuvenation every day 09:00-17:00."""
    location = LocationFactory(name="Marylebone", slug="marylebone", timezone="Europe/London")
    rooms = [RoomFactory(location=location, name="Room 1"), RoomFactory(location=location, name="Room 2")]
    treatment = Treatment.objects.filter(indication="SKIN").first()
    assert treatment, "the treatment catalogue seeded by migration is missing: serialized_rollback did not restore it"
    practitioner = make_practitioner(location, treatment)
    practitioner.display_name = "Dr Amara Okafor"
    practitioner.save(update_fields=["display_name"])
    # The journeys book "tomorrow" or "in three days": open on any public holiday of the next
    # months, so they do not depend on the date the suite runs.
    today = datetime.now(location.zone).date()
    holidays = public_holidays(
        country=location.country,
        subdivision=location.subdivision,
        first_day=today,
        last_day=today + timedelta(days=120),
    )
    HolidayOpening.objects.bulk_create(HolidayOpening(location=location, day=day) for day in holidays)
    return BrowserClinic(location=location, rooms=rooms, practitioner=practitioner, treatment=treatment)


@pytest.fixture(autouse=True)
def _dispatch_after_commit(dispatch_after_commit):
    """The live server sends due messages as production does: a dispatch right after the commit."""


@pytest.fixture
def confirmations_sent_inline(mailoutbox) -> Iterator[list]:
    """The messages the live server sends, as they are sent.

    A booking writes its confirmation as an outbox row and asks for a dispatch after the commit;
    the tests run Celery eagerly (tests/conftest.py), so that dispatch runs in the server thread,
    into the test mail outbox, and nothing is left in a real broker."""
    yield mailoutbox
