from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from bookings.models import Appointment, Course
from clinic.models import Patient
from tests.browser import journey
from tests.browser.journey import NewPatient

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Bootstrap's .visually-hidden is position: absolute; unstyled, the hidden text would be inline.
BOOTSTRAP_LOADED = "getComputedStyle(document.querySelector('.visually-hidden')).position === 'absolute'"


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, type: e.type || '', name: e.name || '', checked: !!e.checked,"
        " label: e.labels && e.labels.length ? e.labels[0].innerText.trim() : ''}; }"
    )


def tab_to(page: Page, predicate, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError(f"Tab never reached the element; focus ended on {focused(page)}")


def choose_area_with_the_keyboard(page: Page) -> None:
    first = tab_to(page, lambda e: e["tag"] == "INPUT" and e["name"] == "area")
    assert first["label"] == "Face (30 minutes)" and not first["checked"]
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    page.keyboard.press("ArrowDown")  # arrow keys move the choice within the group
    moved = focused(page)
    assert moved["checked"] and moved["label"] == "Face, neck and décolletage (60 minutes)"
    page.keyboard.press("ArrowUp")
    back = focused(page)
    assert back["checked"] and back["label"] == "Face (30 minutes)"
    numbing = tab_to(page, lambda e: e["name"] == "numbing", limit=2)
    assert numbing["type"] == "checkbox" and not numbing["checked"]
    tab_to(page, lambda e: e["tag"] == "BUTTON", limit=2)
    page.keyboard.press("Enter")
    journey.expect_step(page, "Step 2 of 7: Location")
    expect(page.get_by_role("region", name="Your choices so far")).to_contain_text("Face")
    assert parse_qs(urlparse(page.url).query)["area"] == ["face"]


def test_a_new_patient_books_from_the_treatment_page_to_the_confirmation(
    page: Page, booking_clinic, confirmations_sent_inline, page_problems
):
    patient = NewPatient()

    journey.open_treatment_page(page)
    assert page.evaluate(BOOTSTRAP_LOADED), "Bootstrap's CSS did not load from the live server"
    journey.click_book(page)
    choose_area_with_the_keyboard(page)
    journey.choose_location(page, "Marylebone")
    journey.choose_practitioner(page, "Dr Amara Okafor")
    journey.choose_first_open_day(page)
    chosen_time = journey.choose_last_time(page)
    held = page.get_by_role("region", name="Your appointment")
    expect(held).to_contain_text("Skin rejuvenation: Face")
    expect(held).to_contain_text("Dr Amara Okafor")
    expect(held).to_contain_text(chosen_time.split()[0])

    journey.create_account(page, patient)
    expect(page.get_by_role("status").filter(has_text="Your account is ready.")).to_be_visible()
    journey.confirm_booking(page)

    expect(page.get_by_role("status").filter(has_text="Dr Amara Okafor at Marylebone")).to_be_visible()
    created = Patient.objects.get(email=patient.email)
    assert (created.first_name, created.last_name, created.date_of_birth.isoformat()) == (
        patient.first_name,
        patient.last_name,
        patient.date_of_birth,
    )
    [appointment] = Appointment.objects.filter(patient=created)
    assert appointment.status == Appointment.Status.BOOKED
    assert (appointment.practitioner, appointment.area.slug, appointment.numbing_cream) == (
        booking_clinic.practitioner,
        "face",
        False,
    )
    assert appointment.start.astimezone(booking_clinic.location.zone).strftime("%H:%M") == chosen_time.split()[0]
    [course] = Course.objects.filter(patient=created)
    assert course.status == Course.Status.AWAITING_INTAKE
    assert appointment.course == course and appointment.session_number == 1
    assert page.url.endswith(f"/booking/confirmed/{appointment.pk}/")
    [email] = [m for m in confirmations_sent_inline if "appointment on" in m.subject]
    assert email.to == [patient.email]
    assert not page_problems, page_problems
