"""Shapes of the intake API (DESIGN.md's contract): what each role sees of an intake."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from intake.models import FINDING_DECISIONS, Intake, Review, Severity

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


class IntakeSerializer(serializers.ModelSerializer):
    """The patient's own view: their answers and the status, never the findings."""

    status = status_field()

    treatment = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    answers = serializers.JSONField(read_only=True, help_text="Keyed by catalogue code, plus structured fields.")

    class Meta:
        model = Intake
        fields = ["id", "status", "treatment", "area", "step", "submitted_at", "valid_until", "answers"]
        read_only_fields = fields


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
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Review.Decision.choices)
    sessions = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Course length.")
    interval_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Days between sessions."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    finding_decisions = serializers.DictField(
        child=FindingDecisionSerializer(),
        required=False,
        default=dict,
        help_text='Per finding code, e.g. {"ANTITHROMBOTIC": {"decision": "proceed", "notes": "INR stable"}}.',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["finding_decisions"] = {code: dict(value) for code, value in attrs["finding_decisions"].items()}
        return attrs
