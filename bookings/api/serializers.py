from __future__ import annotations

from datetime import timedelta
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.models import Appointment, Course
from clinic.access import locations_for_staff
from clinic.api_fields import AwareDateTimeField, DateField, TextField
from clinic.extensions import extension_fact
from clinic.models import Location, Patient, Practitioner
from clinic.roles import Role, has_role, is_staff_member
from treatments.models import Area, Treatment

MAX_SEARCH_DAYS = 62


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["slug", "name", "timezone", "address", "phone"]


class PractitionerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    locations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    treatments = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Practitioner
        fields = ["id", "name", "locations", "treatments"]


def _slug_field(queryset, **kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="slug", queryset=queryset, **kwargs)


class PractitionerQuerySerializer(serializers.Serializer):
    location = _slug_field(Location.objects.filter(is_active=True), required=False)
    treatment = _slug_field(Treatment.objects.active(), required=False)


class _AreaMixin:
    def _resolve_area(self, attrs: dict[str, Any]) -> dict[str, Any]:
        area = Area.objects.filter(treatment=attrs["treatment"], slug=attrs["area"]).first()
        if area is None:
            raise serializers.ValidationError({"area": f"“{attrs['area']}” is not an area of this treatment."})
        attrs["area"] = area
        return attrs


class AvailabilityQuerySerializer(_AreaMixin, serializers.Serializer):
    treatment = _slug_field(Treatment.objects.active())
    area = serializers.SlugField()
    location = _slug_field(Location.objects.filter(is_active=True))
    start = DateField(help_text="First local date, YYYY-MM-DD.")
    end = DateField(help_text="Last local date (inclusive), YYYY-MM-DD.")
    practitioner = serializers.PrimaryKeyRelatedField(
        queryset=Practitioner.objects.filter(is_active=True), required=False
    )
    numbing_cream = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end date cannot be before the start date."})
        if attrs["end"] - attrs["start"] > timedelta(days=MAX_SEARCH_DAYS):
            raise serializers.ValidationError({"end": f"Search at most {MAX_SEARCH_DAYS} days at a time."})
        return self._resolve_area(attrs)


class ListQuerySerializer(serializers.Serializer):
    start = DateField(required=False, help_text="From this local date, YYYY-MM-DD (leave out for no limit).")
    end = DateField(required=False, help_text="To this local date (inclusive), YYYY-MM-DD.")


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    practitioner = serializers.IntegerField()
    room = serializers.IntegerField()


class AvailabilitySerializer(serializers.Serializer):
    slots = SlotSerializer(many=True)


class ClearanceReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    alternatives = SlotSerializer(many=True, required=False)
    # code "not_cleared": why the session cannot be completed (the clinical gate).
    reasons = ClearanceReasonSerializer(many=True, required=False)


class AppointmentCreateSerializer(_AreaMixin, serializers.Serializer):
    treatment = _slug_field(Treatment.objects.active())
    area = serializers.SlugField()
    location = _slug_field(Location.objects.filter(is_active=True))
    start = AwareDateTimeField()
    practitioner = serializers.PrimaryKeyRelatedField(
        queryset=Practitioner.objects.filter(is_active=True), required=False
    )
    patient = serializers.PrimaryKeyRelatedField(
        queryset=Patient.objects.all(), required=False, help_text="Staff only."
    )
    numbing_cream = serializers.BooleanField(default=False)
    kind = serializers.ChoiceField(choices=Appointment.Kind.choices, default=Appointment.Kind.TREATMENT)
    notes = TextField(required=False, allow_blank=True, default="", max_length=2000)
    override_reason = TextField(required=False, allow_blank=True, default="", max_length=300)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        if is_staff_member(user):
            if not locations_for_staff(user).filter(pk=attrs["location"].pk).exists():
                raise serializers.ValidationError({"location": "You do not work at this location."})
        else:
            # Patients book treatment sessions for themselves; the rest is for staff to set.
            for field in ("patient", "override_reason", "notes"):
                if attrs.get(field):
                    raise serializers.ValidationError({field: "Only clinic staff can set this."})
            attrs["kind"] = Appointment.Kind.TREATMENT
        if attrs["override_reason"] and not has_role(user, Role.RECEPTION, Role.MANAGER):
            raise serializers.ValidationError({"override_reason": "Only reception or a clinic manager can overbook."})
        return self._resolve_area(attrs)


class CancelSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, default="", max_length=300)


class RescheduleSerializer(serializers.Serializer):
    start = AwareDateTimeField()
    practitioner = serializers.PrimaryKeyRelatedField(
        queryset=Practitioner.objects.filter(is_active=True), required=False
    )

    def validate_practitioner(self, value: Practitioner) -> Practitioner:
        if value and not is_staff_member(self.context["request"].user):
            raise serializers.ValidationError("Only clinic staff can change the practitioner.")
        return value


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Appointment.Status.choices)
    reason = TextField(required=False, allow_blank=True, default="", max_length=300)


class DepositSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    status = serializers.CharField()
    payment_url = serializers.URLField(allow_null=True)


class AppointmentSerializer(serializers.ModelSerializer):
    # The statuses an appointment moves between: a waitlist hold is never one the API shows.
    status = serializers.ChoiceField(choices=Appointment.Status.choices, read_only=True)
    practitioner = serializers.IntegerField(source="practitioner_id")
    practitioner_name = serializers.CharField(source="practitioner.display_name")
    room = serializers.IntegerField(source="room_id")
    location = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    treatment = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    course = serializers.SerializerMethodField()
    intake = serializers.SerializerMethodField()
    deposit = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "start",
            "end",
            "status",
            "kind",
            "practitioner",
            "practitioner_name",
            "room",
            "location",
            "treatment",
            "area",
            "numbing_cream",
            "course",
            "session_number",
            "intake",
            "deposit",
        ]
        read_only_fields = fields

    def get_course(self, obj: Appointment) -> int | None:
        """The course this session belongs to (GET /api/courses/{id}/); null for a consultation."""
        return obj.course_id

    def get_intake(self, obj: Appointment) -> int | None:
        """The course's questionnaire (GET /api/intakes/{id}/): a booking that starts a course opens it."""
        return obj.course.intake_id if obj.course_id else None

    @extend_schema_field(DepositSerializer(allow_null=True))
    def get_deposit(self, obj: Appointment) -> dict[str, Any] | None:
        """The deposit the booking asks for (an app above bookings answers: clinic/extensions.py);
        null when none. A list reads them all at once (the view passes them in the context)."""
        deposits = self.context.get("deposits")
        if deposits is None:
            deposits = extension_fact("bookings.deposits", {}, appointments=[obj])
        return deposits.get(obj.pk)


class CourseSessionSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Appointment.Status.choices, read_only=True)
    number = serializers.IntegerField(source="session_number", allow_null=True)
    appointment = serializers.IntegerField(source="pk", help_text="GET /api/appointments/{id}/")

    class Meta:
        model = Appointment
        fields = ["number", "start", "end", "status", "appointment"]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer):
    """A course of sessions of one treatment on one area, and where each session stands."""

    status = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(Course.Status.values)}.")
    treatment = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    location = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    practitioner = serializers.IntegerField(source="practitioner_id", read_only=True)
    intake = serializers.IntegerField(source="intake_id", read_only=True, allow_null=True)
    sessions = CourseSessionSerializer(many=True, read_only=True, source="sessions_in_order")

    class Meta:
        model = Course
        fields = [
            "id",
            "status",
            "treatment",
            "area",
            "location",
            "practitioner",
            "sessions_planned",
            "interval_days",
            "intake",
            "maintenance_due",
            "sessions",
        ]
        read_only_fields = fields
