"""A phone patient follows the emailed link and sets up their account in a real browser.

The Django test client sends no Origin header, so only a browser shows whether the form's POST
passes the CSRF origin check (a "no-referrer" policy once made browsers send "Origin: null")."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from clinic.accounts.invites import patient_invite_token
from clinic.models import Patient

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_phone_patient_sets_up_their_account_from_the_link(page: Page, live_server, booking_clinic, page_problems):
    patient = Patient.objects.create(
        first_name="Wanda",
        last_name="Walkin",
        date_of_birth=date(1980, 2, 3),
        email="wanda@example.org",
        phone="07700 900777",
    )
    page.goto(reverse("account-claim", args=[patient_invite_token(patient)]))
    expect(page.get_by_role("heading", level=1, name="Set up your online account")).to_be_visible()
    page.get_by_label("Choose a password").fill("Lantern-Orchard-42")
    page.get_by_label("Type the password again").fill("Lantern-Orchard-42")
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('intake-list')}")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    patient.refresh_from_db()
    assert patient.user is not None and patient.user.check_password("Lantern-Orchard-42")
    assert not page_problems, page_problems
