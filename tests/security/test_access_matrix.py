"""Every URL of the project, for every role: who may see what.

The routes come from the URL resolver, so a new URL without an expectation here fails the
test. Objects belong to patient A at the clinic's location; "reception elsewhere" works at
another location. Anything a role may not see is a 404 (never a 403 that confirms it exists);
403 and 405 appear only where the role may see the object but not use that method.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

ROLES = ["anonymous", "patient_a", "patient_b", "reception_elsewhere", "reception", "practitioner", "manager"]


def row(anonymous, patient_a, patient_b, reception_elsewhere, reception, practitioner, manager):
    return dict(
        zip(
            ROLES, (anonymous, patient_a, patient_b, reception_elsewhere, reception, practitioner, manager), strict=True
        )
    )


def same(status):
    return row(*[status] * len(ROLES))


# name -> (path with {placeholders}, expected status per role)
EXPECTED = {
    "home": ("/", same(200)),
    "healthz": ("/healthz", same(200)),
    "favicon": ("/favicon.ico", same(301)),
    "treatment-list": ("/treatments/", same(200)),
    "treatment-detail": ("/treatments/skin-rejuvenation/", same(200)),
    "book-start": ("/book/skin-rejuvenation/", same(200)),
    "book-hold": ("/book/skin-rejuvenation/hold/", same(405)),
    "book-details": ("/booking/details/", same(302)),  # nothing held: back to the treatments
    "book-review": ("/booking/review/", same(302)),
    "book-confirmed": ("/booking/confirmed/{appointment}/", row(404, 200, 404, 404, 200, 200, 200)),
    "staff-home": ("/staff/", row(302, 404, 404, 200, 200, 200, 200)),
    "audit-trail": ("/staff/audit/", row(302, 404, 404, 404, 404, 404, 200)),
    # The manager's reports (their CSV is the same URL with ?format=csv: tests/reports/test_pages.py).
    "reports": ("/staff/reports/", row(302, 404, 404, 404, 404, 404, 200)),
    **{
        f"report-{slug}": (f"/staff/reports/{slug}/", row(302, 404, 404, 404, 404, 404, 200))
        for slug in ("utilisation", "attendance", "patients", "screening", "courses", "messages", "waitlist", "money")
    },
    "recall-list": ("/staff/recalls/", row(302, 404, 404, 200, 200, 404, 200)),
    "diary-day": ("/staff/diary/{location}/", row(302, 404, 404, 404, 200, 200, 200)),
    "diary-week": (
        "/staff/diary/{location}/practitioners/{practitioner}/week/",
        row(302, 404, 404, 404, 200, 200, 200),
    ),
    "diary-day-csv": ("/staff/diary/{location}/day.csv", row(302, 404, 404, 404, 200, 200, 200)),
    "diary-day-print": ("/staff/diary/{location}/print/", row(302, 404, 404, 404, 200, 200, 200)),
    "worklist": ("/staff/worklist/", row(302, 404, 404, 200, 200, 404, 200)),
    "hours-home": ("/staff/hours/", row(302, 404, 404, 404, 404, 200, 200)),
    "hours-practitioner": ("/staff/hours/{practitioner}/", row(302, 404, 404, 404, 404, 200, 200)),
    "hours-edit": ("/staff/hours/{practitioner}/at/{location}/", row(302, 404, 404, 404, 404, 200, 200)),
    "time-off-create": ("/staff/hours/{practitioner}/time-off/", row(302, 404, 404, 404, 404, 405, 405)),
    "time-off-remove": (
        "/staff/hours/{practitioner}/time-off/{time_off}/remove/",
        row(302, 404, 404, 404, 404, 405, 405),
    ),
    "diary-book": ("/staff/diary/{location}/book/", row(302, 404, 404, 404, 200, 200, 200)),
    # Searches carry names and phones, so POST only (tested per role in tests/bookings/test_diary_actions.py).
    "diary-patient-search": ("/staff/diary/{location}/patients/search/", row(302, 404, 404, 405, 405, 405, 405)),
    "diary-appointment": ("/staff/diary/appointments/{appointment}/", row(302, 404, 404, 404, 200, 200, 200)),
    "diary-appointment-move": ("/staff/diary/appointments/{appointment}/move/", row(302, 404, 404, 404, 200, 200, 200)),
    "diary-appointment-cancel": (
        "/staff/diary/appointments/{appointment}/cancel/",
        row(302, 404, 404, 405, 405, 405, 405),
    ),
    "diary-appointment-status": (
        "/staff/diary/appointments/{appointment}/status/",
        row(302, 404, 404, 405, 405, 405, 405),
    ),
    "diary-appointment-questionnaire": (
        "/staff/diary/appointments/{appointment}/questionnaire/",
        row(302, 404, 404, 405, 405, 405, 405),
    ),
    # The clinical decision to go ahead is the appointment's own practitioner's.
    "practitioner-proceed": (
        "/practitioner/appointments/{appointment}/proceed/",
        row(302, 404, 404, 404, 404, 200, 404),
    ),
    "practitioner-health-confirmed": (
        "/practitioner/appointments/{appointment}/health-confirmed/",
        row(302, 404, 404, 404, 404, 405, 404),
    ),
    "patient-export": ("/staff/patients/{patient}/export/", row(302, 404, 404, 404, 404, 404, 200)),
    "patient-export-json": ("/staff/patients/{patient}/export.json", row(302, 404, 404, 404, 404, 404, 200)),
    "patient-erase": ("/staff/patients/{patient}/erase/", row(302, 404, 404, 404, 404, 404, 200)),
    "recall-contacted": ("/staff/recalls/{course}/contacted/", row(302, 404, 404, 405, 405, 404, 405)),
    "calendar-feed": ("/me/calendar/", row(302, 200, 200, 404, 404, 404, 404)),
    "calendar-feed-ics": ("/calendar/{feed_token}.ics", same(200)),  # the token is the credential
    "appointment-ics": ("/me/appointments/{appointment}/ics", row(302, 200, 404, 404, 200, 200, 200)),
    "intake-list": ("/me/intake/", row(302, 200, 200, 404, 404, 404, 404)),
    "intake-step": ("/me/intake/{draft_intake}/step/1/", row(302, 200, 404, 404, 404, 404, 404)),
    "intake-done": ("/me/intake/{intake}/done/", row(302, 200, 404, 404, 404, 404, 404)),
    "intake-recheck": ("/me/intake/{intake}/recheck/", row(302, 302, 404, 404, 404, 404, 404)),
    "photo-consent": ("/me/photo-consent/", row(302, 200, 200, 404, 404, 404, 404)),
    "practitioner-day": ("/practitioner/day/", row(302, 404, 404, 404, 404, 200, 200)),
    # The world's completed appointment is the practitioner's own, so they may edit its record.
    "session-record": (
        "/practitioner/appointments/{completed_appointment}/session-record/",
        row(302, 404, 404, 404, 404, 200, 200),
    ),
    "session-record-edit": (
        "/practitioner/appointments/{completed_appointment}/session-record/edit/",
        row(302, 404, 404, 404, 404, 200, 200),
    ),
    "patient-record": ("/staff/patients/{patient}/", row(302, 404, 404, 404, 200, 200, 200)),
    # Photos: clinicians of the location; the patient their own (the world's clinic allows it).
    "session-photos": (
        "/practitioner/appointments/{completed_appointment}/photos/",
        row(302, 404, 404, 404, 404, 200, 200),
    ),
    "course-photos": ("/practitioner/courses/{course}/photos/", row(302, 404, 404, 404, 404, 200, 200)),
    "photo-image": ("/photos/{photo}/image.jpg", row(302, 200, 404, 404, 404, 200, 200)),
    "photo-thumbnail": ("/photos/{photo}/thumbnail.jpg", row(302, 200, 404, 404, 404, 200, 200)),
    "photo-remove": ("/practitioner/photos/{photo}/remove/", row(302, 404, 404, 404, 404, 405, 405)),  # POST only
    "my-photos": ("/me/photos/", row(302, 200, 200, 404, 404, 404, 404)),
    "my-course-photos": ("/me/photos/courses/{course}/", row(302, 200, 404, 404, 404, 404, 404)),
    "patient-export-archive": ("/staff/patients/{patient}/export.zip", row(302, 404, 404, 404, 404, 404, 200)),
    # Staff see the patients of their own locations (someone elsewhere sees an empty list).
    "patient-directory": ("/staff/patients/", row(302, 404, 404, 200, 200, 200, 200)),
    "patient-contact": ("/staff/patients/{patient}/contact/", row(302, 404, 404, 404, 200, 404, 200)),
    # POST-only; practitioners see the patient but do not send invitations.
    "patient-invite": ("/staff/patients/{patient}/invite/", row(302, 404, 404, 404, 405, 404, 405)),
    # A link that is not a valid invitation: the same "no longer valid" page for everyone.
    "account-claim": ("/accounts/claim/not-a-token/", same(404)),
    "review-queue": ("/practitioner/reviews/", row(302, 404, 404, 404, 404, 200, 200)),
    "review-detail": ("/practitioner/reviews/{intake}/", row(302, 404, 404, 404, 404, 200, 200)),
    "my-appointments": ("/me/appointments/", row(302, 200, 200, 404, 404, 404, 404)),
    "my-appointment-cancel": ("/me/appointments/{appointment}/cancel/", row(302, 200, 404, 404, 404, 404, 404)),
    # The waiting list (waitlist/): a patient's own entries; the offer's signed link opens only for its patient.
    "my-waitlist": ("/me/waitlist/", row(302, 200, 200, 404, 404, 404, 404)),
    "my-waitlist-leave": ("/me/waitlist/{waitlist_entry}/leave/", row(302, 405, 405, 404, 404, 404, 404)),
    "waitlist-offer": ("/waitlist/offers/{waitlist_offer}/", row(302, 200, 404, 404, 404, 404, 404)),
    "waitlist-staff": ("/staff/waitlist/{location}/", row(302, 404, 404, 404, 200, 404, 200)),
    "waitlist-staff-add": ("/staff/waitlist/{location}/add/", row(302, 404, 404, 405, 405, 404, 405)),  # POST only
    "waitlist-staff-offer": ("/staff/waitlist/{location}/offer/", row(302, 404, 404, 405, 405, 404, 405)),
    "login": ("/accounts/login/", row(200, 302, 302, 302, 302, 302, 302)),
    "register": ("/accounts/register/", row(200, 302, 302, 302, 302, 302, 302)),
    # Sends on to ?next=: sign in first, patients never need it, force_login's staff have passed it.
    "two-factor": ("/accounts/two-factor/", same(302)),
    "logout": ("/accounts/logout/", same(405)),  # sign-out is a POST
    "password_change": ("/accounts/password_change/", row(302, 200, 200, 200, 200, 200, 200)),
    "password_change_done": ("/accounts/password_change/done/", row(302, 200, 200, 200, 200, 200, 200)),
    "password_reset": ("/accounts/password_reset/", same(200)),
    "password_reset_done": ("/accounts/password_reset/done/", same(200)),
    "password_reset_confirm": ("/accounts/reset/MQ/not-a-token/", same(200)),  # "this link has expired"
    "password_reset_complete": ("/accounts/reset/done/", same(200)),
    "api-intakes": ("/api/intakes/", row(401, 200, 200, 200, 200, 200, 200)),  # each their own or their locations'
    "api-intake": ("/api/intakes/{intake}/", row(401, 200, 404, 404, 200, 200, 200)),
    "api-intake-consent": ("/api/intakes/{intake}/consent/", row(401, 405, 405, 405, 405, 405, 405)),
    "api-intake-submit": ("/api/intakes/{intake}/submit/", row(401, 405, 405, 405, 405, 405, 405)),
    "api-intake-decision": ("/api/intakes/{intake}/decision/", row(401, 405, 405, 405, 405, 405, 405)),
    "api-review-queue": ("/api/review-queue/", row(401, 403, 403, 403, 403, 200, 200)),
    "api-token": ("/api/auth/token/", same(405)),
    "api-register": ("/api/patients/register/", same(405)),
    "api-treatments": ("/api/treatments/", same(200)),
    "api-locations": ("/api/locations/", same(200)),
    "api-practitioners": ("/api/practitioners/", same(200)),
    "api-availability": ("/api/availability/", same(400)),  # the query names what is missing
    "api-appointments": ("/api/appointments/", row(401, 200, 200, 200, 200, 200, 200)),
    "api-appointment": ("/api/appointments/{appointment}/", row(401, 200, 404, 404, 200, 200, 200)),
    # POST-only actions: a GET is 405 for any id, so it reveals nothing (POSTs are tested per role
    # in tests/bookings/test_api.py).
    "api-appointment-cancel": ("/api/appointments/{appointment}/cancel/", row(401, *[405] * 6)),
    "api-appointment-reschedule": ("/api/appointments/{appointment}/reschedule/", row(401, *[405] * 6)),
    "api-appointment-status": ("/api/appointments/{appointment}/status/", row(401, *[405] * 6)),
    "api-courses": ("/api/courses/", row(401, 200, 200, 200, 200, 200, 200)),
    "api-course": ("/api/courses/{course}/", row(401, 200, 404, 404, 200, 200, 200)),
    # The waiting list's API is the patient's own (staff add phone patients from the diary's pages).
    "api-waitlist": ("/api/waitlist/", row(401, 200, 200, 403, 403, 403, 403)),
    "api-waitlist-entry": ("/api/waitlist/{waitlist_entry}/", row(401, 200, 404, 403, 403, 403, 403)),
    "api-waitlist-accept": ("/api/waitlist/{waitlist_entry}/accept/", row(401, 405, 405, 403, 403, 403, 403)),
    # Money: a patient's own invoices; reception and managers at their locations; practitioners none.
    "invoice": ("/invoices/{invoice}/", row(302, 200, 404, 404, 200, 404, 200)),
    "invoice-pdf": ("/invoices/{invoice}/invoice.pdf", row(302, 200, 404, 404, 200, 404, 200)),
    "receipt": ("/receipts/{payment}/", row(302, 200, 404, 404, 200, 404, 200)),
    "my-invoices": ("/me/invoices/", row(302, 200, 200, 404, 404, 404, 404)),
    "till-pay": ("/staff/diary/appointments/{appointment}/payments/", row(302, 404, 404, 405, 405, 404, 405)),
    "till-package": ("/staff/diary/appointments/{appointment}/package/", row(302, 404, 404, 405, 405, 404, 405)),
    "till-waive": ("/staff/diary/appointments/{appointment}/waive/", row(302, 404, 404, 405, 405, 404, 405)),
    "takings": ("/staff/takings/{location}/", row(302, 404, 404, 404, 200, 404, 200)),
    # Online payment is off here (no Stripe keys): paying online is a 404 for everyone signed in,
    # the webhook is POST-only (tests/billing/test_online.py signs its POSTs).
    "deposit-pay": ("/me/deposits/{appointment}/pay/", row(302, 404, 404, 404, 404, 404, 404)),
    "package-pay": ("/me/courses/{course}/package/pay/", row(302, 405, 405, 404, 404, 404, 404)),  # POST only
    "stripe-webhook": ("/billing/stripe/webhook/", same(405)),
    "api-invoices": ("/api/invoices/", row(401, 200, 200, 200, 200, 200, 200)),  # each their own or none
    "api-invoice": ("/api/invoices/{invoice}/", row(401, 200, 404, 404, 200, 404, 200)),
    "api-schema": ("/api/schema/", same(200)),
    "api-docs": ("/api/docs/", same(200)),
}
ADMIN = row(302, 302, 302, 302, 302, 302, 200)  # Django's admin is for clinic managers only


def project_routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "admin/":
                yield "admin", prefix + "admin/"
                continue
            yield from project_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern.name, prefix + str(pattern.pattern)


def test_every_url_has_an_expectation():
    names = {name for name, _ in project_routes()}
    assert names - set(EXPECTED) - {"admin"} == set(), "add the new URL to EXPECTED with its status per role"
    assert set(EXPECTED) - names == set(), "EXPECTED names a URL that no longer exists"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(client, world, role):
    users, ids = world
    user = users[role]
    if user is not None:
        client.force_login(user)
        Token.objects.get_or_create(user=user)
    wrong = []
    for name, (path, expected) in EXPECTED.items():
        status = client.get(path.format(**ids)).status_code
        if status != expected[role]:
            wrong.append(f"{name} {path}: expected {expected[role]}, got {status}")
    for path in ("/admin/", "/admin/clinic/patient/", "/admin/bookings/appointment/"):
        status = client.get(path).status_code
        if status != ADMIN[role]:
            wrong.append(f"admin {path}: expected {ADMIN[role]}, got {status}")
    assert wrong == []
