"""The patient's steps through online booking, as a browser user takes them.

Only accessible locators (role + name, label): if one of these stops matching, a screen-reader
user has most likely lost the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect

TREATMENT_URL = "/treatments/skin-rejuvenation/"
CLINIC_NAME = "Meso Clinic"


@dataclass(frozen=True)
class NewPatient:
    email: str = "rosa.lindqvist@example.org"
    password: str = "Saffron-Lantern-42"
    first_name: str = "Rosa"
    last_name: str = "Lindqvist"
    date_of_birth: str = "1990-05-14"
    phone: str = "07700 900123"


def expect_step(page: Page, text: str) -> None:
    """Wait for the progress line ("Step 2 of 7: Location"): htmx swaps the steps in place."""
    expect(page.get_by_text(text, exact=True)).to_be_visible()


def open_treatment_page(page: Page) -> None:
    page.goto(TREATMENT_URL)
    expect(page.get_by_role("heading", level=1, name="Skin rejuvenation")).to_be_visible()


def click_book(page: Page) -> None:
    # Two links: the one beside the heading ("Book" + visually hidden treatment name) comes first.
    page.get_by_role("link", name="Book Skin rejuvenation", exact=True).click()
    expect_step(page, "Step 1 of 7: Area")


def choose_area(page: Page, area: str = "Face (30 minutes)") -> None:
    page.get_by_label(area, exact=True).check()
    continue_to(page, "Step 2 of 7: Location")


def continue_to(page: Page, next_step: str) -> None:
    page.get_by_role("button", name="Continue").click()
    expect_step(page, next_step)


def choose_location(page: Page, name: str = "Marylebone") -> None:
    page.get_by_role("radio", name=re.compile(rf"{re.escape(name)}: ")).check()
    continue_to(page, "Step 3 of 7: Practitioner")


def choose_practitioner(page: Page, name: str) -> None:
    page.get_by_label(name, exact=True).check()
    continue_to(page, "Step 4 of 7: Day")


def choose_first_open_day(page: Page) -> None:
    """The first calendar day with free times; the next month's calendar if this one has none.

    The server runs on the real clock, so which day that is depends on when the test runs.
    """
    for _ in range(3):
        days = page.get_by_role("table").get_by_role("link")
        if days.count():
            days.first.click()
            expect_step(page, "Step 5 of 7: Time")
            return
        month = page.get_by_role("heading", level=3).inner_text()
        page.get_by_role("link", name=re.compile(r"→$")).click()
        expect(page.get_by_role("heading", level=3)).not_to_have_text(month)
    raise AssertionError("no day with free times in this month or the next two")


def choose_last_time(page: Page) -> str:
    """The day's last free time: the one least likely to fall inside the minimum notice mid-test."""
    time = page.get_by_role("list", name="Free times").get_by_role("button").last
    label = time.inner_text()
    time.click()
    page.wait_for_url("**/booking/details/")
    expect(page.get_by_role("heading", level=1, name="Your details")).to_be_visible()
    return label


def registration_form(page: Page):
    return page.get_by_role("region", name=f"New to {CLINIC_NAME}? Create an account")


def submit_registration(page: Page) -> None:
    registration_form(page).get_by_role("button", name="Create account and continue").click()


def create_account(page: Page, patient: NewPatient) -> None:
    form = registration_form(page)
    form.get_by_label("Email address").fill(patient.email)
    form.get_by_label("Choose a password").fill(patient.password)
    form.get_by_label("First name").fill(patient.first_name)
    form.get_by_label("Last name").fill(patient.last_name)
    form.get_by_label("Date of birth").fill(patient.date_of_birth)
    form.get_by_label("Mobile phone").fill(patient.phone)
    submit_registration(page)
    page.wait_for_url("**/booking/review/")
    expect(page.get_by_role("heading", level=1, name="Review and confirm")).to_be_visible()


def confirm_booking(page: Page) -> None:
    page.get_by_label("I have read the cancellation policy above").check()
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url(re.compile(r"/booking/confirmed/\d+/$"))
    expect(page.get_by_role("heading", level=1, name="You're booked")).to_be_visible()
