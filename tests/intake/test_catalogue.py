from __future__ import annotations

import importlib

import pytest

from intake.catalogue import catalogue_load
from intake.domain import screening
from intake.models import CatalogueVersion, ConsentText, ContraindicationItem, MedicationClass
from tests.intake.defaults import CATALOGUE, MEDICATION_CLASSES
from treatments.models import Treatment

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_default_catalogue_as_version_one():
    items, classes = catalogue_load()
    assert [item.code for item in items] == [entry["code"] for entry in CATALOGUE]
    # The defaults, with the patient-facing rewording of migrations 0003 and 0008.
    wording = {
        **importlib.import_module("intake.migrations.0003_patient_wording").WORDING,
        **importlib.import_module("intake.migrations.0009_diabetes_one_question").WORDING,
    }
    expected = [{**entry, "question": wording.get(entry["code"], entry["question"])} for entry in CATALOGUE]
    assert items == [screening.Item.from_dict(entry) for entry in expected]
    assert items[[i.code for i in items].index("BDD_SCREEN")].question.startswith("Do you spend a lot of time")
    assert classes == {name: list(names) for name, names in MEDICATION_CLASSES.items()}
    assert CatalogueVersion.current().number == 1


def test_the_diabetes_question_asks_one_thing_with_one_answer():
    seeded = next(entry["question"] for entry in CATALOGUE if entry["code"] == "DIABETES")
    assert seeded.count("?") == 2  # the seed's copy: two questions, one yes/no
    question = ContraindicationItem.objects.get(code="DIABETES").question
    assert question.count("?") == 1 and "insulin" in question and "any type" in question


def test_screening_with_the_seeded_catalogue_flags_eliquis_despite_a_no():
    items, classes = catalogue_load()
    fat = Treatment.objects.get(indication="FAT")
    facts = screening.TreatmentFacts(
        indication="FAT", area="abdomen", ingredients=frozenset(fat.ingredients.values_list("name", flat=True))
    )
    findings = screening.screen(
        answers={"ANTITHROMBOTIC": False, "medications": ["Eliquis 5mg"], "allergies": ["eggs"]},
        age=40,
        treatment=facts,
        catalogue=items,
        medication_classes=classes,
    )
    assert {(f.code, f.severity) for f in findings} >= {("ANTITHROMBOTIC", "RELATIVE"), ("ALLERGY_SOY_EGG", "ABSOLUTE")}
    assert screening.outcome(findings) == "not_suitable"


def test_every_edit_in_the_admin_makes_a_new_catalogue_version(client, manager_user):
    client.force_login(manager_user)
    item = ContraindicationItem.objects.get(code="SMOKING")
    response = client.get(f"/admin/intake/contraindicationitem/{item.pk}/change/")
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data["severity"] = "RELATIVE"
    for key in (
        "applies_to",
        "areas",
        "severity_by_indication",
        "ingredients",
        "allergens",
        "medication_classes",
        "thresholds",
    ):
        data[key] = form[key].value()
    response = client.post(f"/admin/intake/contraindicationitem/{item.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.severity == "RELATIVE"
    latest = CatalogueVersion.current()
    assert latest.number == 2 and latest.created_by == manager_user and "SMOKING" in latest.note
    MedicationClass.objects.get(name="nsaid")
    client.post(
        f"/admin/intake/medicationclass/{MedicationClass.objects.get(name='nsaid').pk}/delete/", {"post": "yes"}
    )
    assert CatalogueVersion.current().number == 3


def test_catalogue_versions_cannot_be_edited_or_deleted_in_the_admin(client, manager_user):
    client.force_login(manager_user)
    version = CatalogueVersion.current()
    assert client.post(f"/admin/intake/catalogueversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CatalogueVersion.objects.filter(pk=version.pk).exists()


def test_the_latest_consent_wording_leaves_the_area_to_the_patient_s_choice():
    for treatment in Treatment.objects.all():
        texts = ConsentText.objects.filter(treatment=treatment)
        first, latest = texts.order_by("version").first(), texts.order_by("-version").first()
        assert latest.version == first.version + 1
        assert latest.body.startswith(
            f"I agree to a course of {treatment.name.lower()} by mesotherapy on the area(s) I have chosen: {{areas}}.\n"
        )
        # Only the list of areas changed (signed consents keep the version they signed).
        assert latest.body.split("\n", 1)[1] == first.body.split("\n", 1)[1]


def test_each_treatment_has_versioned_consent_wording_covering_the_essentials():
    for treatment in Treatment.objects.all():
        text = ConsentText.objects.filter(treatment=treatment).order_by("-version").first().body
        for words in ("sessions", "Rare risks", "Alternatives", "Aftercare", "{areas}"):
            assert words in text
    assert "swallowing" in ConsentText.objects.filter(treatment__indication="FAT").order_by("-version").first().body
