"""Intake answers, findings, snapshots and review notes are ciphertext in the database and the
patient's words through the ORM; keys rotate; the migration converts rows that already exist."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.consent import consent_record
from intake.models import Intake, Review
from intake.selectors import intake_questions
from intake.services import intake_decide, intake_open, intake_save_answers, intake_submit
from tests.bookings.conftest import NOW, make_patient

KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
EXPECTATIONS = "I'm Philippa Marchbanks, my sister had it done"
MEDICINE = "Eliquis 5mg"
NOTE = "Discussed bruising with Philippa"
FINDING_NOTE = "Prescriber Dr Okafor says INR stable"
SECRETS = [EXPECTATIONS, "Philippa", MEDICINE, "Eliquis", NOTE, FINDING_NOTE, "Okafor"]
INTAKE_COLUMNS = ("answers", "findings", "snapshot")
REVIEW_COLUMNS = ("notes", "finding_decisions")
BEFORE = ("intake", "0003_patient_wording")


def raw(table: str, pk: int, columns: tuple[str, ...]) -> dict[str, str]:
    """The columns as the database holds them (CAST: jsonb before the migration, text after)."""
    select = ", ".join(f"CAST({column} AS TEXT)" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return dict(zip(columns, cursor.fetchone(), strict=True))


def submitted(clinic, patient=None) -> Intake:
    """A submitted intake that needs review (an anticoagulant)."""
    patient = patient or clinic.patient
    intake = intake_open(patient=patient, treatment=clinic.treatment, area=clinic.area)
    answers = {item.code: False for item in intake_questions(intake)}
    answers.update(
        medications=[MEDICINE],
        allergies=[],
        height_cm=170,
        weight_kg=65,
        weight_stable=True,
        hsv_frequency="never",
        hsv_after_procedure=False,
        expectations=EXPECTATIONS,
    )
    intake_save_answers(intake=intake, answers=answers, by=patient.user)
    consent_record(intake=intake, typed_name=patient.full_name, agreed=True, address="127.0.0.1", now=NOW)
    intake = intake_submit(intake=intake, by=patient.user, now=NOW)
    assert intake.status == Intake.Status.NEEDS_REVIEW
    return intake


def reviewed(clinic, patient=None) -> tuple[Intake, Review]:
    """The same, declined with notes."""
    intake = submitted(clinic, patient)
    review = intake_decide(
        intake=intake,
        practitioner=clinic.practitioner,
        decision="decline",
        by=clinic.practitioner.user,
        notes=NOTE,
        finding_decisions={"ANTITHROMBOTIC": {"decision": "decline", "notes": FINDING_NOTE}},
    )
    return Intake.objects.get(pk=intake.pk), Review.objects.get(pk=review.pk)


def assert_ciphertext(values: dict[str, str]) -> None:
    for column, value in values.items():
        assert value.startswith("gAAAAA"), f"{column} is not a Fernet token"
        assert not [s for s in SECRETS if s in value], f"{column} holds the patient's words"


def assert_readable(intake: Intake, review: Review) -> None:
    intake, review = Intake.objects.get(pk=intake.pk), Review.objects.get(pk=review.pk)
    assert intake.answers["expectations"] == EXPECTATIONS and intake.answers["medications"] == [MEDICINE]
    assert intake.answers["weight_stable"] is True and intake.answers["hsv_after_procedure"] is False
    assert intake.snapshot["answers"] == intake.answers
    assert [f["trigger"] for f in intake.findings] == [MEDICINE]
    assert review.notes == NOTE
    assert review.finding_decisions == {"ANTITHROMBOTIC": {"decision": "decline", "notes": FINDING_NOTE}}


@pytest.mark.django_db
def test_the_database_holds_ciphertext_and_the_orm_the_patients_words(clinic):
    intake, review = reviewed(clinic)
    assert_ciphertext(raw("intake_intake", intake.pk, INTAKE_COLUMNS))
    assert_ciphertext(raw("intake_review", review.pk, REVIEW_COLUMNS))
    assert_readable(intake, review)


@pytest.mark.django_db
def test_the_review_page_still_shows_the_answers(clinic, client, manager_user):
    intake = submitted(clinic)
    client.force_login(manager_user)
    response = client.get(f"/practitioner/reviews/{intake.pk}/")
    assert response.status_code == 200
    assert MEDICINE in response.content.decode() and "my sister had it done" in response.content.decode()


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=st.dictionaries(
        st.text(min_size=1, max_size=12),
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text() | st.lists(st.text(), max_size=3),
        max_size=6,
    )
)
def test_any_answers_come_back_from_the_database_exactly(clinic, answers):
    intake = intake_open(patient=clinic.patient, treatment=clinic.treatment, area=clinic.area)
    Intake.objects.filter(pk=intake.pk).update(answers=answers)
    assert Intake.objects.get(pk=intake.pk).answers == answers
    assert raw("intake_intake", intake.pk, ("answers",))["answers"].startswith("gAAAAA")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        lambda: Intake.objects.filter(answers__PREG=True),
        lambda: Intake.objects.filter(snapshot__answers__medications__contains="Eliquis"),
        lambda: Intake.objects.filter(findings__contains=[{"code": "ANTITHROMBOTIC"}]),
        lambda: Review.objects.filter(notes__icontains="bruising"),
        lambda: Review.objects.filter(notes="Discussed bruising"),
    ],
)
def test_queries_inside_encrypted_text_are_refused_not_silently_empty(query):
    with pytest.raises(FieldError):
        list(query())


@pytest.mark.django_db
def test_keys_rotate_without_losing_a_record(clinic):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        first = reviewed(clinic)
        second = reviewed(clinic, make_patient(first_name="Zebedee"))
    updated_at = Intake.objects.values_list("updated_at", flat=True).get(pk=first[0].pk)

    # The new key goes first: old rows still read, new writes use it.
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert_readable(*first)
        out = StringIO()
        call_command("rotate_encryption_keys", batch_size=1, stdout=out)  # one row per batch: batching works
    assert "intake.Intake: 2 row(s) re-encrypted" in out.getvalue()
    assert "intake.Review: 2 row(s) re-encrypted" in out.getvalue()

    for intake, review in (first, second):
        for value in [
            *raw("intake_intake", intake.pk, INTAKE_COLUMNS).values(),
            *raw("intake_review", review.pk, REVIEW_COLUMNS).values(),
        ]:
            Fernet(KEY_B).decrypt(value.encode())
            with pytest.raises(InvalidToken):
                Fernet(KEY_A).decrypt(value.encode())
    # The old key is gone: everything still reads, and running again is harmless.
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        assert_readable(*first)
        assert_readable(*second)
        call_command("rotate_encryption_keys", stdout=StringIO())
        assert_readable(*second)
    # Rotation is not an edit.
    assert Intake.objects.values_list("updated_at", flat=True).get(pk=first[0].pk) == updated_at


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_encrypts_rows_that_already_exist_and_reverses(clinic):
    intake, review = reviewed(clinic)
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        # Back to plain columns: the rows now hold the patient's words in the clear, as before 0004.
        executor.migrate([BEFORE])
        before = raw("intake_intake", intake.pk, INTAKE_COLUMNS) | raw("intake_review", review.pk, REVIEW_COLUMNS)
        assert EXPECTATIONS in before["answers"] and MEDICINE in before["findings"]
        assert EXPECTATIONS in before["snapshot"] and FINDING_NOTE in before["finding_decisions"]
        assert before["notes"] == NOTE
        executor.loader.build_graph()
    finally:
        executor.migrate(leaves)
    assert_ciphertext(raw("intake_intake", intake.pk, INTAKE_COLUMNS))
    assert_ciphertext(raw("intake_review", review.pk, REVIEW_COLUMNS))
    assert_readable(intake, review)
