"""The health questionnaire from the patient's first booked session to a practitioner's approval.

A patient with a first session booked (so a course waits for the intake) answers the five steps
and sends them; a practitioner, in a browser of their own, reviews the finding the medicines
raised and approves. axe-core runs on every page both of them see; like the booking journey's
audit, a failure lists each serious or critical violation (run with -s for the lesser ones).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bookings.appointments.services import appointment_book
from bookings.models import Course
from clinic.models import AuditEvent, Patient
from intake.models import Intake, Review
from intake.selectors import intake_questions
from tests.bookings.conftest import make_patient
from tests.browser.conftest import PageProblems
from tests.browser.staff import sign_in
from tests.browser.test_booking_accessibility import AxeAudit
from tests.factories import PASSWORD
from tests.two_factor import authenticator_for
from treatments.models import Treatment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MEDICINE = "Eliquis 5mg"
EXPECTATIONS = "Brighter, more even skin before the summer."
REVIEW_MESSAGE = "A practitioner will look at your answers within two working days"
# What the patient must never see once the answers are sent: findings stay with the practitioner.
CLINICAL_WORDS = ("Eliquis", "ANTITHROMBOTIC", "blood thinner")


@contextmanager
def browser_tab(chromium: Browser, base_url: str, problems: PageProblems) -> Iterator[Page]:
    """Another person's browser: its own context (cookies), watched like the `page` fixture's."""
    context = chromium.new_context(base_url=base_url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("response", lambda r: r.status >= 400 and problems.failed_responses.append(f"{r.status} {r.url}"))
    tab.on("pageerror", lambda error: problems.script_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


def expect_step(page: Page, number: int, title: str) -> None:
    expect(page.get_by_text(f"Step {number} of 5: {title}", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def save_and_continue(page: Page, number: int, title: str) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect_step(page, number, title)


def book_first_session(clinic, patient: Patient) -> Course:
    """A session at 10:00 (local) three days ahead: inside working hours, past the minimum notice."""
    day = timezone.localdate(timezone=clinic.location.zone) + timedelta(days=3)
    appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.treatment.areas.get(slug="face"),
        location=clinic.location,
        practitioner=clinic.practitioner,
        start=datetime.combine(day, time(10), tzinfo=clinic.location.zone),
        by=patient.user,
    )
    return Course.objects.get(patient=patient, status=Course.Status.AWAITING_INTAKE)


def answer_the_questionnaire(page: Page, patient: Patient, audit: AxeAudit) -> int:
    """Steps 1-5 as the patient takes them; the number of yes/no questions answered."""
    page.get_by_role("link", name="Health questionnaire", exact=True).click()  # the menu's
    expect(page.get_by_role("heading", level=1, name="Your health questionnaires")).to_be_visible()
    page.get_by_role("link", name="Start the questionnaire for Skin rejuvenation, face").click()

    expect_step(page, 1, "Your health")
    audit.check("step 1: your health")
    questions = page.get_by_role("list", name="Health questions").get_by_role("group")
    asked = questions.count()
    assert asked, "step 1 shows no yes/no question as a group (fieldset with a legend)"
    for index in range(asked):
        question = questions.nth(index)
        question.get_by_role("radio", name="No", exact=True).check()
        expect(question.get_by_role("radio", name="Yes", exact=True)).not_to_be_checked()
    save_and_continue(page, 2, "Medicines and allergies")

    audit.check("step 2: medicines and allergies")
    page.get_by_label("Medicines you take").press_sequentially(MEDICINE)
    expect(page.get_by_label("Allergies")).to_have_value("")
    save_and_continue(page, 3, "About you")

    audit.check("step 3: about you")
    page.get_by_label("Height (cm)").fill("168")
    page.get_by_label("Weight (kg)").fill("64")
    page.get_by_role("group", name="Has your weight been stable").get_by_role("radio", name="Yes").check()
    page.get_by_role("group", name="How often do you get cold sores?").get_by_role("radio", name="Never").check()
    page.get_by_label("What result do you hope for?").fill(EXPECTATIONS)
    save_and_continue(page, 4, "Consent")

    audit.check("step 4: consent")
    consent = page.get_by_role("region", name="Consent to skin rejuvenation (version 2)")
    expect(consent).to_be_visible()
    # The wording names the area booked, and only that one.
    expect(consent.get_by_role("paragraph").first).to_have_text(
        "I agree to a course of skin rejuvenation by mesotherapy on the area(s) I have chosen: face."
    )
    page.get_by_label("Type your full name").press_sequentially(patient.full_name)
    page.get_by_label("I agree").check()
    page.get_by_role("group", name="I allow the clinic to use photographs").get_by_label("My clinical record").check()
    save_and_continue(page, 5, "Check and send")

    audit.check("step 5: check and send")
    expect(page.get_by_role("region", name="Medicines and allergies")).to_contain_text(MEDICINE)
    expect(page.get_by_role("region", name="About you")).to_contain_text(EXPECTATIONS)
    expect(page.get_by_role("region", name="Consent")).to_contain_text(f"By {patient.full_name}")
    page.get_by_role("button", name="Send to the clinic").click()
    page.wait_for_url("**/done/")
    expect(page.get_by_role("heading", level=1, name="Thank you")).to_be_visible()
    audit.check("done page")
    return asked


def review_and_approve(page: Page, patient: Patient, treatment: Treatment, audit: AxeAudit) -> None:
    page.get_by_role("link", name="Staff area").click()
    page.get_by_role("link", name="Intake review queue").click()
    expect(page.get_by_role("heading", level=1, name="Intakes to review")).to_be_visible()
    audit.check("review queue")
    page.get_by_role("table", name="Intakes needing review").get_by_role("link", name=patient.full_name).click()

    expect(page.get_by_role("heading", level=1, name=f"Review: {patient.full_name}")).to_be_visible()
    audit.check("review detail")
    finding = page.get_by_role("article", name="ANTITHROMBOTIC")
    expect(finding.get_by_role("listitem").filter(has_text=f"Raised by: {MEDICINE}")).to_be_visible()
    finding.get_by_label("Decision on ANTITHROMBOTIC").select_option(label="Proceed")
    finding.get_by_label("Notes on ANTITHROMBOTIC").fill("Anticoagulated by her GP; pressure after each pass.")
    decision = page.get_by_role("region", name="Decision")
    expect(decision.get_by_label("Course length (sessions)")).to_have_value(str(treatment.sessions_default))
    expect(decision.get_by_label("Days between sessions")).to_have_value(str(treatment.interval_default_days))
    decision.get_by_role("button", name="Approve").click()

    page.wait_for_url("**/practitioner/reviews/")
    expect(
        page.get_by_role("status").filter(
            has_text=f"{patient.full_name}'s intake is approved: the course can be booked."
        )
    ).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    audit.check("review queue after approving")


def test_a_patient_completes_the_questionnaire_and_a_practitioner_approves_it(
    page: Page, chromium, live_server, booking_clinic, page_problems
):
    patient = make_patient(first_name="Rosa", last_name="Lindqvist")
    course = book_first_session(booking_clinic, patient)
    practitioner = booking_clinic.practitioner
    practitioner.user.set_password(PASSWORD)
    practitioner.user.save()
    audit = AxeAudit(page)

    sign_in(page, patient.user.email)
    asked = answer_the_questionnaire(page, patient, audit)
    expect(page.get_by_role("status").filter(has_text=REVIEW_MESSAGE)).to_be_visible()
    done = page.content().casefold()
    assert not [word for word in CLINICAL_WORDS if word.casefold() in done], "the done page shows clinical wording"

    intake = Intake.objects.get(patient=patient)
    assert intake.status == Intake.Status.NEEDS_REVIEW
    assert asked == len(intake_questions(intake))
    assert [(f["code"], f["trigger"]) for f in intake.findings] == [("ANTITHROMBOTIC", MEDICINE)]

    with browser_tab(chromium, live_server.url, page_problems) as staff_page:
        staff_audit = AxeAudit(staff_page)
        sign_in(staff_page, practitioner.user.email, authenticator_for(practitioner.user))
        review_and_approve(staff_page, patient, booking_clinic.treatment, staff_audit)
        audit.findings.update(staff_audit.findings)

    intake.refresh_from_db()
    assert intake.status == Intake.Status.CLEARED
    review = Review.objects.get(intake=intake)
    assert review.decision == Review.Decision.APPROVE
    assert review.practitioner == practitioner
    assert review.finding_decisions["ANTITHROMBOTIC"]["decision"] == "proceed"
    assert (review.sessions, review.interval_days) == (
        course.treatment.sessions_default,
        course.treatment.interval_default_days,
    )
    course.refresh_from_db()
    assert course.intake == intake
    assert course.status == Course.Status.SCHEDULED
    assert course.appointments.active().count() == course.sessions_planned
    assert AuditEvent.objects.filter(
        action="intake.view", actor=practitioner.user, object_id=str(intake.pk), patient=patient
    ).exists()
    assert not page_problems, page_problems

    everything = audit.report()
    if everything:
        print("\naxe-core findings on the intake journey:\n" + everything)
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
