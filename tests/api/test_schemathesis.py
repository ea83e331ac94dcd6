"""Schemathesis against /api/schema/: every operation, for each identity, with generated input.

No answer may be a 5xx, and every answer must be one the schema documents: its status code, its
content type and its body. The run is bounded (EXAMPLES per operation and identity, derandomized so
CI is reproducible) and in-process: Django's WSGI application answers inside the test's transaction.

Input comes three ways: schema-valid (positive), schema-invalid (negative), and positive input
pointed at real objects (the clinic's treatment, location, practitioners, a booked appointment and
its course, a submitted and a draft intake, the patient's name to sign a consent with), so the happy
paths and the conflicts are exercised as well as the 400s and 404s that random slugs and ids would
mostly get.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bookings.appointments.services import appointment_book
from intake.consent import consent_record
from intake.selectors import intake_questions
from intake.services import intake_open, intake_save_answers, intake_submit
from tests.bookings.conftest import NOW
from tests.waitlist.conftest import offered

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis, pytest.mark.usefixtures("frozen_now")]

IDENTITIES = ["anonymous", "patient", "reception", "practitioner"]
EXAMPLES = 40  # per operation and identity, shared by the three kinds of input
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # Shrinking re-runs a failure many times over; the failing request printed is enough to reproduce it.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app():
    # Django closes "old" connections around each request; inside the test's transaction that
    # would close the connection the test runs in. Django's own test client disconnects them too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(clinic, reception):
    """The patient's booked appointment and intakes (one submitted, one draft), tokens, and real references."""
    patient = clinic.patient
    booked_at = (NOW + timedelta(days=2)).replace(hour=10)
    appointment = appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=booked_at,
        by=patient.user,
        now=NOW,
        practitioner=clinic.practitioner,
    )
    intake = intake_open(patient=patient, treatment=clinic.treatment, area=clinic.area)
    answers = {item.code: False for item in intake_questions(intake)}
    answers.update(
        medications=["warfarin"],
        allergies=[],
        height_cm=170,
        weight_kg=70,
        weight_stable=True,
        hsv_frequency="never",
        hsv_after_procedure=False,
    )
    intake_save_answers(intake=intake, answers=answers, by=patient.user)
    consent_record(intake=intake, typed_name=patient.full_name, agreed=True, address="127.0.0.1", now=NOW)
    intake_submit(intake=intake, by=patient.user, now=NOW)  # needs review: a blood thinner
    other_area = clinic.treatment.areas.exclude(pk=clinic.area.pk).first()
    draft = intake_open(patient=patient, treatment=clinic.treatment, area=other_area)

    def token(user) -> dict[str, str]:
        return {"Authorization": f"Token {Token.objects.create(user=user).key}"}

    headers = {
        "anonymous": {},
        "patient": token(patient.user),
        "reception": token(reception),
        "practitioner": token(clinic.practitioner.user),
    }
    ids = {
        "/api/appointments/{id}/": [appointment.pk],
        "/api/intakes/{id}/": [intake.pk, draft.pk],
        "/api/courses/{id}/": [appointment.course_id],
        "/api/waitlist/{id}/": [offered(clinic, patient)[0].pk],  # waiting, and offered a freed time
    }
    free_at = (NOW + timedelta(days=1)).replace(hour=11)
    references = {
        "treatment": [clinic.treatment.slug],
        "area": [clinic.area.slug],
        "location": [clinic.location.slug],
        "practitioner": [clinic.practitioner.pk, clinic.other.pk],
        "patient": [patient.pk],
        # A free time and the booked one (409 with alternatives for the booked practitioner).
        "start": [free_at.isoformat(), booked_at.isoformat()],
        # The consent of the draft signed (200), or refused for the submitted one (409).
        "typed_name": [patient.full_name],
        "agreed": [True],
        "earliest": [str(NOW.date())],
        "latest": [str(NOW.date() + timedelta(days=14))],
    }
    days = {"start": [str(NOW.date() + timedelta(days=1))], "end": [str(NOW.date() + timedelta(days=3))]}
    return headers, ids, references, days


def _pointed_at_real_objects(strategy, references, days):
    """Positive cases whose slugs, ids and times name real objects (query dates are days, not instants)."""

    def patch(case):
        picks = {}
        for part, refs in (("query", {**references, **days}), ("body", references)):
            values = getattr(case, part)
            if isinstance(values, dict):
                picks[part] = st.fixed_dictionaries({k: st.sampled_from(refs[k]) for k in values if k in refs})

        def apply(chosen):
            for part, values in chosen.items():
                getattr(case, part).update(values)
            return case

        return st.fixed_dictionaries(picks).map(apply)

    return strategy.flatmap(patch)


def _strategy(operation, world):
    _, ids, references, days = world
    positive = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    strategies = [
        positive,
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        _pointed_at_real_objects(positive, references, days),
    ]
    for prefix, pks in ids.items():
        if operation.path.startswith(prefix):
            for pk in pks:
                real = operation.as_strategy(path_parameters={"id": pk})
                strategies.append(_pointed_at_real_objects(real, references, days))
    return st.one_of(strategies)


def _run_operation(operation, headers, world) -> str | None:
    @SETTINGS
    @given(case=_strategy(operation, world))
    def run(case):
        # Each example starts from the same data: what one example cancels, the next still sees.
        with transaction.atomic():
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            transaction.set_rollback(True)

    cache.clear()  # rate limits count per operation, as if each were tried alone
    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # every operation runs; failures are reported together
        return f"{operation.label}: {exc}"
    return None


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_api_answer_is_documented_and_never_a_server_error(wsgi_app, world, identity):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25  # the whole API, not a schema that failed to load
    failures = [f for op in operations if (f := _run_operation(op, world[0][identity], world))]
    assert failures == [], "\n\n".join(failures)
