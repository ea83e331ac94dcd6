"""Contraindication screening for the intake questionnaire.

Pure (standard library only: no Django, no ORM, no clock) because this decides whether a patient may be
treated: the same answers, age, treatment and catalogue must always give the same findings, and every rule
must be testable in isolation. The caller loads the catalogue, works out the age and the treatment's facts,
and stores what comes back.

Data-driven because the clinic edits the catalogue (intake.defaults holds the defaults): which questions
exist, their severity per indication, and which drugs and allergens raise them. This module only knows how
to match free text and the few items computed from facts rather than asked (age, BMI, cold sores).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

Severity = Literal["ABSOLUTE", "RELATIVE", "CAUTION"]
SEVERITIES: tuple[Severity, ...] = ("ABSOLUTE", "RELATIVE", "CAUTION")  # most severe first
HSV_FREQUENCIES = ("never", "occasional", "frequent")
AGE_CODE, BMI_CODE, HSV_CODE = "AGE_U18", "BMI_WEIGHT", "HSV_FACE"
COMPUTED_CODES = frozenset({AGE_CODE, BMI_CODE})  # raised from the record/measurements, never from a yes/no
ADULT_AGE = 18
HEIGHT_CM = (50, 250)  # outside these the number is a typo (or the wrong unit), not a patient
WEIGHT_KG = (20, 400)
_BMI_SUFFIX = "_BMI_AT_LEAST"


def normalise(text: str) -> str:
    """Lower-case, punctuation to spaces, collapse spaces: "ELIQUIS-5 mg" -> "eliquis 5 mg"."""
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def _severity(value: Any, what: str) -> Severity:
    if value not in SEVERITIES:
        raise ValueError(f"{what} must be one of {', '.join(SEVERITIES)}, not {value!r}")
    return value


@dataclass(frozen=True)
class Item:
    """One catalogue entry. Collections are frozen on construction so a shared catalogue cannot be mutated."""

    code: str
    question: str
    applies_to: frozenset[str]
    severity: Severity
    severity_by_indication: Mapping[str, Severity] = field(default_factory=dict, hash=False)
    areas: frozenset[str] = frozenset()
    defer: bool = False
    scope: str | None = None
    ingredients: frozenset[str] = frozenset()
    always_used: bool = False
    allergens: tuple[str, ...] = ()
    medication_classes: tuple[str, ...] = ()
    thresholds: Mapping[str, Mapping[str, float]] = field(default_factory=dict, hash=False)
    escalate_to: Severity | None = None
    rationale: str = ""

    def __post_init__(self) -> None:
        # Validate here, not only in from_dict, so a hand-built Item cannot carry a misspelt severity.
        _severity(self.severity, f"{self.code}.severity")
        if self.escalate_to is not None:
            _severity(self.escalate_to, f"{self.code}.escalate_to")
        by_ind = {
            k: _severity(v, f"{self.code}.severity_by_indication") for k, v in self.severity_by_indication.items()
        }
        for key in (key for rules in self.thresholds.values() for key in rules):
            _severity(key.removesuffix(_BMI_SUFFIX) if key.endswith(_BMI_SUFFIX) else key, f"{self.code}.thresholds")
        frozen = {
            "applies_to": frozenset(self.applies_to),
            "areas": frozenset(self.areas),
            "ingredients": frozenset(normalise(i) for i in self.ingredients),
            "allergens": tuple(self.allergens),
            "medication_classes": tuple(self.medication_classes),
            "severity_by_indication": MappingProxyType(by_ind),
            "thresholds": MappingProxyType({k: MappingProxyType(dict(v)) for k, v in self.thresholds.items()}),
        }
        for name, value in frozen.items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        """Build from a catalogue dict; informational keys (basis, escalate_when, ...) are ignored."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def severity_for(self, indication: str) -> Severity:
        return self.severity_by_indication.get(indication, self.severity)


@dataclass(frozen=True)
class TreatmentFacts:
    indication: str  # SKIN | CELL | FAT | HAIR
    area: str  # area slug, e.g. "submental"
    ingredients: frozenset[str]  # lower-case names, e.g. {"phosphatidylcholine", "deoxycholate"}

    def __post_init__(self) -> None:
        object.__setattr__(self, "ingredients", frozenset(normalise(i) for i in self.ingredients))


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    trigger: str  # what raised it, as the patient wrote it where there is free text
    source: str  # "answer" | "medication" | "allergy" | "age" | "bmi" | "weight" | "cold_sores"
    message: str  # for the practitioner: question, trigger, rationale
    defer: bool = False


def applicable_items(catalogue: Sequence[Item], treatment: TreatmentFacts) -> list[Item]:
    """The items whose question the questionnaire asks for this treatment (in catalogue order)."""

    def applies(item: Item) -> bool:
        if "ALL" not in item.applies_to and treatment.indication not in item.applies_to:
            return False
        if item.areas and treatment.area not in item.areas:
            return False
        # An agent allergy only matters if that agent is injected, or used around every treatment.
        return item.scope != "agent" or item.always_used or bool(item.ingredients & treatment.ingredients)

    return [item for item in catalogue if applies(item)]


def _same_word(a: str, b: str) -> bool:
    # Patients write allergies singular or plural ("eggs", "peanuts", "amino acids", "allergies").
    return a == b or any(
        x in (y + "s", y + "es") or (y.endswith("y") and x == y[:-1] + "ies") for x, y in ((a, b), (b, a))
    )


def _has_phrase(text: str, phrase: str, *, plural_ok: bool) -> bool:
    """Whole words only, so "heparinoid" never matches "heparin"; both arguments already normalised."""
    words, target = text.split(), phrase.split()
    same = _same_word if plural_ok else str.__eq__
    return bool(target) and any(
        all(same(w, t) for w, t in zip(words[i : i + len(target)], target, strict=True))
        for i in range(len(words) - len(target) + 1)
    )


def _string_list(answers: Mapping[str, Any], name: str) -> list[str]:
    value = answers.get(name, [])
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of strings, not {value!r}")
    return [v for v in value if v.strip()]


def _measure(answers: Mapping[str, Any], name: str, bounds: tuple[int, int]) -> float | None:
    value = answers.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"{name} must be a number from {bounds[0]} to {bounds[1]}, not {value!r}")
    return float(value)


def _optional_bool(answers: Mapping[str, Any], name: str) -> bool | None:
    value = answers.get(name)
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{name} must be true, false or missing, not {value!r}")
    return value


def _bmi_severity(rules: Mapping[str, float], bmi: float) -> Severity | None:
    reached = [key.removesuffix(_BMI_SUFFIX) for key, limit in rules.items() if bmi >= limit]
    return min(reached, key=SEVERITIES.index, default=None)  # type: ignore[arg-type]


def _maker(item: Item, indication: str) -> Callable[..., Finding]:
    def make(source: str, trigger: str, detail: str, severity: Severity | None = None) -> Finding:
        message = " ".join(p for p in (item.question, detail, item.rationale) if p)
        return Finding(item.code, severity or item.severity_for(indication), trigger, source, message, item.defer)

    return make


def screen(
    *,
    answers: Mapping[str, Any],
    age: int,
    treatment: TreatmentFacts,
    catalogue: Sequence[Item],
    medication_classes: Mapping[str, Sequence[str]],
) -> list[Finding]:
    """Findings for one patient and treatment, most severe first, then in catalogue order."""
    # Validate everything up front, whether or not the item applies: bad input is a bug to surface, not skip.
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130:
        raise ValueError(f"age must be a whole number of years, not {age!r}")
    medications = [(m, normalise(m)) for m in _string_list(answers, "medications")]
    allergies = [(a, normalise(a)) for a in _string_list(answers, "allergies")]
    height, weight = _measure(answers, "height_cm", HEIGHT_CM), _measure(answers, "weight_kg", WEIGHT_KG)
    weight_stable = _optional_bool(answers, "weight_stable")
    after_procedure = _optional_bool(answers, "hsv_after_procedure")
    hsv = answers.get("hsv_frequency") or "never"
    if hsv not in HSV_FREQUENCIES:
        raise ValueError(f"hsv_frequency must be one of {', '.join(HSV_FREQUENCIES)}, not {hsv!r}")
    for item in catalogue:
        _optional_bool(answers, item.code)  # a "yes" must be True, so "no"/"yes" strings are refused
    class_names = {cls: [normalise(n) for n in names] for cls, names in medication_classes.items()}

    findings: list[tuple[int, Finding]] = []
    for index, item in enumerate(applicable_items(catalogue, treatment)):
        raised: list[Finding] = []
        make = _maker(item, treatment.indication)
        if item.code not in COMPUTED_CODES and answers.get(item.code) is True:
            raised.append(make("answer", "answered yes", "Answered yes."))
        # A listed drug raises its item even if the yes/no was answered "no": patients miss brand names.
        for entry, norm in medications:
            names = ((c, class_names.get(c, ())) for c in item.medication_classes)
            hit = [c for c, ns in names if any(_has_phrase(norm, n, plural_ok=False) for n in ns)]
            if hit:
                raised.append(make("medication", entry, f"Medication: '{entry}' ({', '.join(hit)})."))
        for entry, norm in allergies:
            if any(_has_phrase(norm, normalise(a), plural_ok=True) for a in item.allergens):
                raised.append(make("allergy", entry, f"Allergy: '{entry}'."))
        if item.code == AGE_CODE and age < ADULT_AGE:
            raised.append(make("age", f"age {age}", f"Age {age}."))
        if item.code == BMI_CODE:
            if height is not None and weight is not None:
                # Decide on the rounded value so the decision agrees with the BMI the practitioner sees.
                bmi = round(weight / (height / 100) ** 2, 1)
                severity = _bmi_severity(item.thresholds.get(treatment.indication, {}), bmi)
                if severity:
                    raised.append(make("bmi", f"BMI {bmi}", f"BMI {bmi}.", severity))
            if weight_stable is False:
                raised.append(make("weight", "weight not stable", "Weight not stable within 5% for 6 months."))
        if item.code == HSV_CODE and (hsv != "never" or after_procedure):
            parts = [f"cold sores {hsv}"] * (hsv != "never") + ["cold sore after a past procedure"] * bool(
                after_procedure
            )
            escalate = hsv == "frequent" or after_procedure is True
            severity = item.escalate_to if escalate else None  # None: the item's own severity
            raised.append(make("cold_sores", ", ".join(parts), f"{', '.join(parts).capitalize()}.", severity))
        findings += [(index, f) for f in raised]

    unique: dict[tuple[str, str, str], tuple[int, Finding]] = {}
    for index, finding in findings:
        unique.setdefault((finding.code, finding.source, finding.trigger), (index, finding))
    ordered = sorted(unique.values(), key=lambda pair: (SEVERITIES.index(pair[1].severity), pair[0]))
    return [finding for _, finding in ordered]


def outcome(findings: Sequence[Finding], *, require_signoff: bool = False) -> str:
    """The form's verdict: not_suitable if any ABSOLUTE, else needs_review if any RELATIVE (or
    require_signoff: the clinic wants every intake for this treatment seen), else cleared."""
    severities = {f.severity for f in findings}
    if "ABSOLUTE" in severities:
        return "not_suitable"  # sign-off never softens or hardens an ABSOLUTE: it is already the strictest
    if "RELATIVE" in severities or require_signoff:
        return "needs_review"
    return "cleared"
