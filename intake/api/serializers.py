"""Shapes of the intake API (DESIGN.md's contract): what each role sees of an intake."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.api_fields import TextField
from intake.models import FINDING_DECISIONS, Intake, Review, Severity
from intake.selectors import KINDS, Question, consent_signature, consent_text_for, intake_questionnaire

STATUS_HELP = f"One of: {', '.join(Intake.Status.values)}."


def status_field() -> serializers.CharField:
    # A plain string (values in the description) rather than an enum: "status" is also the
    # appointments' field, and two "status" enums collide in the schema without ENUM_NAME_OVERRIDES.
    return serializers.CharField(read_only=True, help_text=STATUS_HELP)


class IntakeConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    trigger = serializers.CharField(help_text="What raised it, as the patient wrote it where there is free text.")
    source = serializers.CharField(help_text="answer, medication, allergy, age, bmi, weight or cold_sores.")
    message = serializers.CharField()
    defer = serializers.BooleanField(help_text="Resolves with time: defer rather than decline.")


class IntakeStatusSerializer(serializers.ModelSerializer):
    """Reception's view: whether the patient is cleared, never their answers."""

    status = status_field()

    class Meta:
        model = Intake
        fields = ["id", "status"]
        read_only_fields = fields


class ChoiceOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What to send as the answer.")
    label = serializers.CharField(help_text="What to show.")


class QuestionSerializer(serializers.Serializer):
    """One question; only the keys that apply to its kind are present."""

    code = serializers.CharField(help_text="The answer's key in `answers`.")
    text = serializers.CharField()
    # A string with its values described rather than an enum: "kind" is also the appointments'
    # field, and two "kind" enums collide in the schema (as "status" does).
    kind = serializers.CharField(
        help_text=f"One of: {', '.join(KINDS)}. yes/no: true or false; number: a number from min to max; "
        "text: a string of at most max_length characters; list: a list of strings (at most max_length "
        "characters in all, one per line); choice: one of the choices' values.",
    )
    required = serializers.BooleanField(help_text="Submitting needs an answer.")
    choices = ChoiceOptionSerializer(many=True, required=False)
    min = serializers.FloatField(required=False, source="minimum")
    max = serializers.FloatField(required=False, source="maximum")
    max_length = serializers.IntegerField(required=False)

    def to_representation(self, instance: Question) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": instance.code,
            "text": instance.text,
            "kind": instance.kind,
            "required": instance.required,
        }
        if instance.choices:
            data["choices"] = [{"value": value, "label": label} for value, label in instance.choices]
        extra = {"min": instance.minimum, "max": instance.maximum, "max_length": instance.max_length}
        return {**data, **{key: value for key, value in extra.items() if value is not None}}


class ConsentStateSerializer(serializers.Serializer):
    text = serializers.CharField(allow_null=True, help_text="The wording to sign (null: none yet, call the clinic).")
    version = serializers.IntegerField(allow_null=True)
    signed = serializers.BooleanField(help_text="This wording is signed for this questionnaire.")
    signed_at = serializers.DateTimeField(allow_null=True)


def consent_state(intake: Intake) -> dict[str, Any]:
    text, signature = consent_text_for(intake), consent_signature(intake)
    return {
        "text": text.body if text else None,
        "version": text.version if text else None,
        "signed": signature is not None,
        "signed_at": signature.accepted_at if signature else None,
    }


class IntakeSummarySerializer(serializers.ModelSerializer):
    """One of the patient's own questionnaires in their list."""

    status = status_field()
    treatment = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Intake
        fields = ["id", "status", "treatment", "area", "step", "submitted_at", "valid_until"]
        read_only_fields = fields


class IntakeSerializer(IntakeSummarySerializer):
    """The patient's own view: the questions, their answers, the consent and the status, never the findings."""

    answers = serializers.JSONField(read_only=True, help_text="Keyed by question code.")
    questions = serializers.SerializerMethodField()
    consent = serializers.SerializerMethodField()

    class Meta(IntakeSummarySerializer.Meta):
        fields = [*IntakeSummarySerializer.Meta.fields, "answers", "questions", "consent"]
        read_only_fields = fields

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, intake: Intake) -> list[dict[str, Any]]:
        return QuestionSerializer(intake_questionnaire(intake), many=True).data

    @extend_schema_field(ConsentStateSerializer)
    def get_consent(self, intake: Intake) -> dict[str, Any]:
        return ConsentStateSerializer(consent_state(intake)).data


class ConsentSignSerializer(serializers.Serializer):
    typed_name = TextField(max_length=200, help_text="The patient's full name as the clinic holds it.")
    agreed = serializers.BooleanField(help_text="Must be true: the patient agrees to the wording.")


class IntakeClinicalSerializer(IntakeSerializer):
    """Practitioners and clinic managers: the patient's view plus the screening findings."""

    findings = FindingSerializer(many=True, read_only=True)

    class Meta(IntakeSerializer.Meta):
        fields = [*IntakeSerializer.Meta.fields, "findings"]
        read_only_fields = fields


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text='e.g. {"PREG": false, "medications": ["Eliquis 5mg"]}'
    )
    step = serializers.IntegerField(required=False, min_value=1, max_value=50, help_text="The step just completed.")


class IntakeOutcomeSerializer(serializers.Serializer):
    status = status_field()


class QueuePatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class ReviewQueueItemSerializer(serializers.ModelSerializer):
    status = status_field()
    patient = QueuePatientSerializer(read_only=True)
    treatment = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    next_appointment = serializers.DateTimeField(
        source="needed_by",
        read_only=True,
        allow_null=True,
        help_text="The first session of the course this questionnaire is for, if one is booked.",
    )
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Intake
        fields = ["id", "status", "patient", "treatment", "area", "submitted_at", "next_appointment", "findings"]
        read_only_fields = fields


class FindingDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=FINDING_DECISIONS)
    notes = TextField(required=False, allow_blank=True, default="", max_length=2000)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Review.Decision.choices)
    sessions = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Course length.")
    interval_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Days between sessions."
    )
    notes = TextField(required=False, allow_blank=True, default="", max_length=5000)
    finding_decisions = serializers.DictField(
        child=FindingDecisionSerializer(),
        required=False,
        default=dict,
        help_text='Per finding code, e.g. {"ANTITHROMBOTIC": {"decision": "proceed", "notes": "INR stable"}}.',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["finding_decisions"] = {code: dict(value) for code, value in attrs["finding_decisions"].items()}
        return attrs
