from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from treatments.models import Indication, Treatment

pytestmark = pytest.mark.django_db

# The clinical defaults the migration copies in (protocols.json): indication -> protocol.
EXPECTED = {
    "SKIN": ((4, 4, 6), (7, 14, 28), 150, {"face": 30, "face-neck-decolletage": 60, "hands": 30}),
    "CELL": ((6, 8, 10), (7, 7, 14), 60, {"thighs": 45, "hips": 30, "thighs-buttocks": 60}),
    "FAT": ((4, 4, 6), (28, 28, 56), None, {"submental": 30, "abdomen": 45, "bra-line": 30}),
    "HAIR": ((4, 8, 10), (7, 14, 30), 60, {"scalp-frontal": 30, "scalp-full": 45}),
}


def test_the_four_indications_are_seeded_with_their_protocols_and_areas():
    treatments = {t.indication: t for t in Treatment.objects.prefetch_related("areas")}
    assert set(treatments) == {choice.value for choice in Indication}
    for code, (sessions, interval, maintenance, areas) in EXPECTED.items():
        t = treatments[code]
        assert (t.sessions_min, t.sessions_default, t.sessions_max) == sessions
        assert (t.interval_min_days, t.interval_default_days, t.interval_max_days) == interval
        assert t.maintenance_every_days == maintenance
        minutes = {a.slug: a.minutes for a in t.areas.all()}
        assert minutes.items() >= areas.items()


def test_fat_reduction_carries_phosphatidylcholine_and_no_maintenance():
    fat = Treatment.objects.get(indication="FAT")
    assert set(fat.ingredients.values_list("name", flat=True)) == {"phosphatidylcholine", "deoxycholate"}
    assert fat.maintenance_every_days is None


def valid(**changes) -> Treatment:
    treatment = Treatment.objects.get(indication="SKIN")
    for field, value in changes.items():
        setattr(treatment, field, value)
    return treatment


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sessions_min": 3}, "sessions_min", "at least 4 sessions"),
        ({"sessions_max": 11}, "sessions_max", "at most 10 sessions"),
        ({"sessions_default": 7}, "sessions_default", "must lie between the minimum (4) and the maximum (6)"),
        ({"sessions_min": 5, "sessions_default": 4}, "sessions_default", "must lie between"),
        (
            {"interval_default_days": 30},
            "interval_default_days",
            "must lie between the minimum (7) and the maximum (28)",
        ),
        ({"interval_min_days": 0, "interval_default_days": 0}, "interval_min_days", "at least one day apart"),
    ],
)
def test_model_validation_explains_a_protocol_outside_the_rules(changes, field, words):
    treatment = valid(**changes)
    with pytest.raises(ValidationError) as caught:
        treatment.full_clean()
    assert words in " ".join(caught.value.message_dict[field])


def test_a_valid_protocol_passes_validation():
    valid(sessions_min=4, sessions_default=5, sessions_max=10).full_clean()


@pytest.mark.parametrize("changes", [{"sessions_min": 3}, {"sessions_max": 11}, {"sessions_default": 9}])
def test_the_database_refuses_a_protocol_that_skips_validation(changes):
    treatment = valid(**changes)
    with pytest.raises(IntegrityError), transaction.atomic():
        treatment.save()


def test_the_admin_form_shows_the_protocol_error(client, manager_user):
    client.force_login(manager_user)
    skin = Treatment.objects.get(indication="SKIN")
    response = client.get(f"/admin/treatments/treatment/{skin.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"sessions_min": 2, "ingredients": [i.pk for i in skin.ingredients.all()]})
    data.update({"areas-TOTAL_FORMS": 0, "areas-INITIAL_FORMS": 0})
    response = client.post(f"/admin/treatments/treatment/{skin.pk}/change/", data)
    assert response.status_code == 200
    assert "A course has at least 4 sessions (clinic policy); 2 is too few." in response.content.decode()
    skin.refresh_from_db()
    assert skin.sessions_min == 4
