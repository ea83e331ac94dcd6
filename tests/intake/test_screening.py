"""Screening rules, pinned against the default catalogue. Pure: no database, no clock."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.domain.screening import Finding, Item, TreatmentFacts, applicable_items, normalise, outcome, screen
from tests.intake.defaults import CATALOGUE, CATALOGUE_VERSION_NOTE, MEDICATION_CLASSES

ITEMS = [Item.from_dict(d) for d in CATALOGUE]
BY_CODE = {item.code: item for item in ITEMS}

# One representative treatment per indication, with the default protocols' ingredients.
TREATMENTS = {
    "SKIN": TreatmentFacts("SKIN", "face", frozenset({"hyaluronic acid", "vitamins", "amino acids", "minerals"})),
    "CELL": TreatmentFacts("CELL", "thighs", frozenset({"aminophylline", "caffeine", "vitamins", "amino acids"})),
    "FAT": TreatmentFacts("FAT", "submental", frozenset({"phosphatidylcholine", "deoxycholate"})),
    "HAIR": TreatmentFacts(
        "HAIR", "scalp-crown", frozenset({"minoxidil", "vitamins", "amino acids", "hyaluronic acid"})
    ),
}
FAT_ABDOMEN = replace(TREATMENTS["FAT"], area="abdomen")


def clean(**overrides: Any) -> dict[str, Any]:
    """Every question answered "no", healthy BMI (22.5), stable weight, nothing listed."""
    answers: dict[str, Any] = {item.code: False for item in ITEMS}
    answers |= {
        "height_cm": 170,
        "weight_kg": 65,
        "weight_stable": True,
        "medications": [],
        "allergies": [],
        "hsv_frequency": "never",
        "hsv_after_procedure": False,
        "expectations": "Fresher-looking skin, I know it takes a few sessions.",
    }
    return answers | overrides


def run(answers: dict[str, Any], indication: str = "SKIN", *, age: int = 40, treatment: TreatmentFacts | None = None):
    return screen(
        answers=answers,
        age=age,
        treatment=treatment or TREATMENTS[indication],
        catalogue=ITEMS,
        medication_classes=MEDICATION_CLASSES,
    )


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def raising_scenario(item: Item) -> tuple[str, dict[str, Any], int, str]:
    """(indication, answers, age, expected severity) where this item applies and is raised."""
    if item.code == "BMI_WEIGHT":
        return "FAT", clean(height_cm=200, weight_kg=140), 40, "RELATIVE"  # BMI 35
    indication = next(i for i, t in TREATMENTS.items() if item in applicable_items(ITEMS, t))
    if item.code == "AGE_U18":
        return indication, clean(), 17, "ABSOLUTE"
    if item.code == "HSV_FACE":
        return indication, clean(hsv_frequency="frequent"), 40, "RELATIVE"
    return indication, clean(**{item.code: True}), 40, item.severity_for(indication)


# --- The default catalogue ------------------------------------------------------------------


def test_default_catalogue_builds_and_every_medication_class_it_names_exists():
    assert CATALOGUE_VERSION_NOTE == "Default catalogue 2026-11"
    assert len({item.code for item in ITEMS}) == len(ITEMS)
    named = {cls for item in ITEMS for cls in item.medication_classes}
    assert named <= set(MEDICATION_CLASSES)


def test_only_the_local_anaesthetic_allergy_is_always_used():
    assert [d["code"] for d in CATALOGUE if d.get("always_used")] == ["ALLERGY_LA"]


def test_from_dict_refuses_an_unknown_severity():
    with pytest.raises(ValueError, match="severity"):
        Item.from_dict({"code": "X", "question": "?", "applies_to": ["ALL"], "severity": "SEVERE"})
    with pytest.raises(ValueError, match="thresholds"):
        Item.from_dict(
            {
                "code": "X",
                "question": "?",
                "applies_to": ["ALL"],
                "severity": "CAUTION",
                "thresholds": {"FAT": {"BMI": 3}},
            }
        )


# --- Every item: raised by its scenario, silent when the answers are clean ---------------------


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.code)
def test_each_item_is_raised_alone_with_its_severity(item: Item):
    indication, answers, age, severity = raising_scenario(item)
    findings = run(answers, indication, age=age)
    assert codes(findings) == {item.code}
    assert {f.severity for f in findings} == {severity}


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.code)
def test_each_item_is_silent_when_the_answers_are_clean(item: Item):
    indication, _, _, _ = raising_scenario(item)
    assert run(clean(), indication) == []


@pytest.mark.parametrize(
    ("item", "allergen"),
    [(item, allergen) for item in ITEMS for allergen in item.allergens],
    ids=lambda v: v.code if isinstance(v, Item) else v,
)
def test_each_listed_allergen_raises_its_item(item: Item, allergen: str):
    indication = next(i for i, t in TREATMENTS.items() if item in applicable_items(ITEMS, t))
    for entry in (allergen, allergen.upper() + "S", f"reaction to {allergen} (hives)"):
        found = only(run(clean(allergies=[entry]), indication), item.code)
        assert [(f.source, f.trigger) for f in found] == [("allergy", entry)]


@pytest.mark.parametrize(
    ("item", "name"),
    [(item, name) for item in ITEMS for cls in item.medication_classes for name in MEDICATION_CLASSES[cls]],
    ids=lambda v: v.code if isinstance(v, Item) else v,
)
def test_each_drug_of_a_listed_class_raises_its_item_even_when_answered_no(item: Item, name: str):
    indication = next(i for i, t in TREATMENTS.items() if item in applicable_items(ITEMS, t))
    entry = f"{name.title()} 10mg daily"
    found = only(run(clean(medications=[entry]), indication), item.code)
    assert [(f.source, f.trigger) for f in found] == [("medication", entry)]


# --- Applicability ----------------------------------------------------------------------------


def test_ingredient_scoped_items_apply_only_when_the_treatment_uses_that_agent():
    asked = {ind: {i.code for i in applicable_items(ITEMS, t)} for ind, t in TREATMENTS.items()}
    assert [ind for ind in asked if "ALLERGY_SOY_EGG" in asked[ind]] == ["FAT"]
    assert [ind for ind in asked if "ALLERGY_INGREDIENTS" in asked[ind]] == ["SKIN", "CELL", "HAIR"]
    assert [ind for ind in asked if "ALLERGY_HA" in asked[ind]] == ["SKIN", "HAIR"]
    assert [ind for ind in asked if "ALLERGY_LA" in asked[ind]] == ["SKIN", "CELL", "FAT", "HAIR"]
    # Computed items are still returned; the form decides how to render them.
    assert {"AGE_U18", "BMI_WEIGHT"} <= asked["FAT"]


def test_the_anaesthetic_allergy_applies_even_to_a_treatment_without_listed_ingredients():
    bare = TreatmentFacts("SKIN", "face", frozenset())
    assert "ALLERGY_LA" in {i.code for i in applicable_items(ITEMS, bare)}
    assert "ALLERGY_HA" not in {i.code for i in applicable_items(ITEMS, bare)}


def test_applicable_items_keep_catalogue_order():
    asked = applicable_items(ITEMS, TREATMENTS["FAT"])
    assert asked == [i for i in ITEMS if i in asked]


# --- Medications -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    ["Eliquis 5mg", "ELIQUIS-5 mg", "apixaban (Eliquis)", "Warfarin", "clopidogrel 75 mg", "aspirin 75mg daily"],
)
def test_blood_thinners_are_flagged_whatever_the_spelling_even_when_answered_no(entry: str):
    findings = run(clean(ANTITHROMBOTIC=False, medications=[entry]))
    assert [(f.code, f.severity, f.source, f.trigger) for f in findings] == [
        ("ANTITHROMBOTIC", "RELATIVE", "medication", entry)
    ]


def test_the_medication_message_names_the_entry_and_its_class():
    [finding] = run(clean(medications=["apixaban (Eliquis)"]))
    assert "'apixaban (Eliquis)' (anticoagulant)" in finding.message
    assert "Haematoma risk" in finding.message


def test_a_drug_name_inside_a_longer_word_is_not_a_match():
    assert run(clean(medications=["heparinoid cream", "Hirudoid"])) == []


def test_roaccutane_flags_isotretinoin_for_skin_but_not_for_fat_where_it_is_not_asked():
    assert [(f.code, f.severity) for f in run(clean(medications=["Roaccutane"]), "SKIN")] == [
        ("ISOTRETINOIN", "CAUTION")
    ]
    assert run(clean(medications=["Roaccutane"]), "FAT") == []


def test_immunosuppressants_steroids_and_chemotherapy_are_flagged():
    assert [(f.code, f.severity) for f in run(clean(medications=["methotrexate weekly"]))] == [
        ("IMMUNOSUPPRESSED", "RELATIVE")
    ]
    assert codes(run(clean(medications=["hydrocortisone tablets 10mg"]))) == {"IMMUNOSUPPRESSED"}
    assert codes(run(clean(medications=["hydrocortisone cream"]))) == set()
    assert [(f.code, f.severity) for f in run(clean(medications=["capecitabine"]))] == [("CANCER_ACTIVE", "ABSOLUTE")]


def test_a_yes_and_a_listed_drug_give_one_finding_each_and_a_repeated_entry_only_one():
    findings = run(clean(ANTITHROMBOTIC=True, medications=["Warfarin", "Warfarin"]))
    assert [(f.source, f.trigger) for f in findings] == [("answer", "answered yes"), ("medication", "Warfarin")]


# --- Allergies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ["soy", "Eggs", "peanuts", "soya lecithin"])
def test_soy_egg_and_peanut_allergies_matter_for_fat_reduction_only(entry: str):
    assert [(f.code, f.severity, f.source) for f in run(clean(allergies=[entry]), "FAT")] == [
        ("ALLERGY_SOY_EGG", "ABSOLUTE", "allergy")
    ]
    for indication in ("SKIN", "CELL", "HAIR"):
        assert run(clean(allergies=[entry]), indication) == []


@pytest.mark.parametrize("entry", ["lidocaine", "EMLA cream"])
@pytest.mark.parametrize("indication", list(TREATMENTS))
def test_local_anaesthetic_allergy_is_flagged_for_every_indication(entry: str, indication: str):
    assert [(f.code, f.severity) for f in run(clean(allergies=[entry]), indication)] == [("ALLERGY_LA", "ABSOLUTE")]


def test_filler_allergy_is_flagged_where_hyaluronic_acid_is_used():
    for indication, expected in (("SKIN", {"ALLERGY_HA"}), ("HAIR", {"ALLERGY_HA"}), ("FAT", set()), ("CELL", set())):
        assert codes(run(clean(allergies=["hyaluronic acid fillers"]), indication)) == expected


def test_latex_is_a_caution_and_an_unrelated_allergy_raises_nothing():
    assert [(f.code, f.severity) for f in run(clean(allergies=["latex gloves"]))] == [("LATEX", "CAUTION")]
    assert run(clean(allergies=["penicillin"])) == []


# --- Area and indication specific ---------------------------------------------------------------


def test_swallowing_problems_are_absolute_for_the_chin_and_not_asked_elsewhere():
    assert [(f.code, f.severity) for f in run(clean(DYSPHAGIA_NECK=True), "FAT")] == [("DYSPHAGIA_NECK", "ABSOLUTE")]
    assert "DYSPHAGIA_NECK" not in {i.code for i in applicable_items(ITEMS, FAT_ABDOMEN)}
    assert run(clean(DYSPHAGIA_NECK=True), treatment=FAT_ABDOMEN) == []


def test_kidney_or_liver_disease_is_relative_for_skin_and_absolute_for_fat():
    assert [f.severity for f in run(clean(RENAL_HEPATIC=True), "SKIN")] == ["RELATIVE"]
    assert [f.severity for f in run(clean(RENAL_HEPATIC=True), "FAT")] == ["ABSOLUTE"]


def test_under_18_is_absolute_and_18_is_not():
    [finding] = run(clean(), age=17)
    assert (finding.code, finding.severity, finding.source, finding.trigger) == ("AGE_U18", "ABSOLUTE", "age", "age 17")
    assert run(clean(), age=18) == []


def test_a_stray_answer_to_a_computed_item_is_ignored():
    assert run(clean(AGE_U18=True, BMI_WEIGHT=True), "FAT") == []


# --- BMI and weight -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indication", "weight", "expected"),
    [
        ("FAT", 119.6, []),  # BMI 29.9 at 200 cm
        ("FAT", 120, [("RELATIVE", "BMI 30.0")]),
        ("FAT", 164.8, [("ABSOLUTE", "BMI 41.2")]),
        ("FAT", 160, [("ABSOLUTE", "BMI 40.0")]),
        ("CELL", 120, [("CAUTION", "BMI 30.0")]),
        ("CELL", 170, [("CAUTION", "BMI 42.5")]),
        ("CELL", 119.6, []),
        ("SKIN", 200, []),
        ("HAIR", 200, []),
    ],
)
def test_bmi_thresholds_by_indication(indication: str, weight: float, expected: list[tuple[str, str]]):
    findings = run(clean(height_cm=200, weight_kg=weight), indication)
    assert [(f.severity, f.trigger) for f in findings] == expected
    assert all(f.code == "BMI_WEIGHT" and f.source == "bmi" for f in findings)


def test_unstable_weight_is_relative_for_fat_reduction():
    findings = run(clean(weight_stable=False), "FAT")
    assert [(f.code, f.severity, f.source) for f in findings] == [("BMI_WEIGHT", "RELATIVE", "weight")]
    assert run(clean(weight_stable=False), "SKIN") == []


def test_missing_height_or_weight_gives_no_bmi_finding():
    assert run(clean(height_cm=None, weight_kg=170), "FAT") == []
    assert run(clean(height_cm=150, weight_kg=None), "FAT") == []


# --- Cold sores ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "after_procedure", "expected"),
    [
        ("never", False, []),
        ("occasional", False, ["CAUTION"]),
        ("frequent", False, ["RELATIVE"]),
        ("never", True, ["RELATIVE"]),
        ("occasional", True, ["RELATIVE"]),
    ],
)
def test_cold_sores_escalate_when_frequent_or_after_a_procedure(frequency: str, after_procedure: bool, expected):
    answers = clean(hsv_frequency=frequency, hsv_after_procedure=after_procedure)
    findings = run(answers, "SKIN")
    assert [f.severity for f in findings] == expected
    assert all((f.code, f.source) == ("HSV_FACE", "cold_sores") for f in findings)
    assert run(answers, "FAT") == []  # not asked outside skin rejuvenation


def test_expectations_free_text_never_raises_a_finding():
    assert run(clean(expectations="I want to look 20 years younger after one session, and lose 10 kg")) == []


# --- Ordering and de-duplication ----------------------------------------------------------------


def test_findings_are_ordered_by_severity_then_catalogue_order():
    # Catalogue order here is OTC_BLEED, IMMUNOSUPPRESSED, CANCER_ACTIVE, ..., SMOKING, PIH.
    answers = clean(PIH=True, OTC_BLEED=True, SMOKING=True, IMMUNOSUPPRESSED=True, CANCER_ACTIVE=True, UNWELL=True)
    findings = run(answers, "SKIN")
    assert [f.code for f in findings] == ["UNWELL", "CANCER_ACTIVE", "IMMUNOSUPPRESSED", "OTC_BLEED", "SMOKING", "PIH"]
    assert [f.defer for f in findings] == [True, False, False, False, False, False]


# --- outcome() ----------------------------------------------------------------------------------


def _finding(severity: str) -> Finding:
    return Finding("X", severity, "answered yes", "answer", "msg")  # type: ignore[arg-type]


def test_outcome_is_decided_by_the_most_severe_finding():
    assert outcome([]) == "cleared"
    assert outcome([_finding("CAUTION")]) == "cleared"
    assert outcome([_finding("CAUTION"), _finding("RELATIVE")]) == "needs_review"
    assert outcome([_finding("RELATIVE"), _finding("ABSOLUTE")]) == "not_suitable"


def test_required_signoff_sends_cleared_to_review_but_never_changes_not_suitable():
    assert outcome([], require_signoff=True) == "needs_review"
    assert outcome([_finding("CAUTION")], require_signoff=True) == "needs_review"
    assert outcome([_finding("RELATIVE")], require_signoff=True) == "needs_review"
    assert outcome([_finding("ABSOLUTE")], require_signoff=True) == "not_suitable"


# --- Invalid input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hsv_frequency": "sometimes"}, "hsv_frequency"),
        ({"height_cm": -170}, "height_cm"),
        ({"height_cm": 1.7}, "height_cm"),  # metres, not centimetres
        ({"height_cm": 300}, "height_cm"),
        ({"height_cm": "170"}, "height_cm"),
        ({"weight_kg": 0}, "weight_kg"),
        ({"weight_kg": 650}, "weight_kg"),
        ({"weight_kg": True}, "weight_kg"),
        ({"weight_kg": float("nan")}, "weight_kg"),
        ({"medications": "warfarin"}, "medications"),
        ({"medications": ["warfarin", None]}, "medications"),
        ({"allergies": None}, "allergies"),
        ({"allergies": {"latex"}}, "allergies"),
        ({"weight_stable": "no"}, "weight_stable"),
        ({"hsv_after_procedure": "yes"}, "hsv_after_procedure"),
        ({"PREG": "no"}, "PREG"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(overrides: dict[str, Any], field: str):
    with pytest.raises(ValueError, match=field):
        run(clean(**overrides))


@pytest.mark.parametrize("age", [-1, 200, 17.5, True])
def test_an_impossible_age_is_refused(age: Any):
    with pytest.raises(ValueError, match="age"):
        run(clean(), age=age)


def test_normalise_lowercases_strips_punctuation_and_collapses_spaces():
    assert normalise("  ELIQUIS-5 mg (apixaban)!  ") == "eliquis 5 mg apixaban"
    assert normalise("povidone-iodine") == "povidone iodine"


# --- Properties ---------------------------------------------------------------------------------

ALL_DRUGS = sorted({name for names in MEDICATION_CLASSES.values() for name in names})
ALL_ALLERGENS = sorted({a for item in ITEMS for a in item.allergens})
free_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
AREAS = {"SKIN": ["face", "neck"], "CELL": ["thighs"], "FAT": ["submental", "abdomen"], "HAIR": ["scalp-full"]}


@st.composite
def intakes(draw: st.DrawFn) -> tuple[dict[str, Any], int, TreatmentFacts]:
    indication = draw(st.sampled_from(sorted(TREATMENTS)))
    treatment = replace(TREATMENTS[indication], area=draw(st.sampled_from(AREAS[indication])))
    answers = {item.code: draw(st.one_of(st.none(), st.booleans())) for item in ITEMS}
    answers |= {
        "height_cm": draw(st.one_of(st.none(), st.floats(50, 250))),
        "weight_kg": draw(st.one_of(st.none(), st.floats(20, 400))),
        "weight_stable": draw(st.one_of(st.none(), st.booleans())),
        "medications": draw(st.lists(st.one_of(st.sampled_from(ALL_DRUGS), free_text), max_size=4)),
        "allergies": draw(st.lists(st.one_of(st.sampled_from(ALL_ALLERGENS), free_text), max_size=4)),
        "hsv_frequency": draw(st.sampled_from(["never", "occasional", "frequent"])),
        "hsv_after_procedure": draw(st.booleans()),
        "expectations": draw(free_text),
    }
    return answers, draw(st.integers(0, 100)), treatment


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(intake=intakes(), require_signoff=st.booleans())
def test_outcome_always_follows_the_most_severe_finding_and_screening_is_deterministic(intake, require_signoff: bool):
    answers, age, treatment = intake
    findings = run(answers, age=age, treatment=treatment)
    severities = {f.severity for f in findings}
    result = outcome(findings, require_signoff=require_signoff)
    if "ABSOLUTE" in severities:
        assert result == "not_suitable"
    if result == "cleared":
        assert not severities & {"ABSOLUTE", "RELATIVE"} and not require_signoff
    assert run(answers, age=age, treatment=treatment) == findings
    # Only questions asked for this treatment can be raised, each (code, source, trigger) once.
    assert codes(findings) <= {i.code for i in applicable_items(ITEMS, treatment)}
    rank = {"ABSOLUTE": 0, "RELATIVE": 1, "CAUTION": 2}
    position = {item.code: n for n, item in enumerate(ITEMS)}
    order = [(rank[f.severity], position[f.code]) for f in findings]
    assert order == sorted(order)
    keys = [(f.code, f.source, f.trigger) for f in findings]
    assert len(keys) == len(set(keys))
