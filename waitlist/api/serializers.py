"""The waiting list's JSON shapes (DESIGN.md's contract)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.api_fields import DateField
from clinic.models import Location, Practitioner
from treatments.models import Area, Treatment
from waitlist.models import Entry
from waitlist.selectors import open_offer

WALL_CLOCK = re.compile(r"[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?")


class WallClockField(serializers.TimeField):
    """HH:MM (or HH:MM:SS) and nothing else: Django's time parser reads a matching prefix, so
    "09:00" followed by a NUL or any junk would otherwise pass as 09:00."""

    def to_internal_value(self, value: Any):
        if not isinstance(value, str) or not WALL_CLOCK.fullmatch(value):
            self.fail("invalid", format="HH:MM")
        return super().to_internal_value(value)


class TimeWindowSerializer(serializers.Serializer):
    start = WallClockField(help_text="Local wall-clock time, HH:MM.")
    end = WallClockField(help_text="Local wall-clock time, HH:MM; after start.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "The end must be after the start."})
        return attrs


class JoinSerializer(serializers.Serializer):
    treatment = serializers.SlugRelatedField(slug_field="slug", queryset=Treatment.objects.active())
    area = serializers.SlugField()
    location = serializers.SlugRelatedField(slug_field="slug", queryset=Location.objects.filter(is_active=True))
    practitioner = serializers.PrimaryKeyRelatedField(
        queryset=Practitioner.objects.filter(is_active=True), required=False, allow_null=True
    )
    earliest = DateField(help_text="First local date, YYYY-MM-DD.")
    latest = DateField(help_text="Last local date (inclusive), YYYY-MM-DD; the entry expires after it.")
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, max_length=7, help_text="0 = Monday."
    )
    times = TimeWindowSerializer(many=True, required=False, max_length=6)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        area = Area.objects.filter(treatment=attrs["treatment"], slug=attrs["area"]).first()
        if area is None:
            raise serializers.ValidationError({"area": f"“{attrs['area']}” is not an area of this treatment."})
        attrs["area"] = area
        attrs["times"] = [(w["start"], w["end"]) for w in attrs.get("times", [])]
        return attrs


class OfferSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    practitioner = serializers.IntegerField(source="practitioner_id")
    expires_at = serializers.DateTimeField()


class EntrySerializer(serializers.ModelSerializer):
    # Not an enum in the schema: its name would collide with the appointments' and intakes' "status".
    status = serializers.CharField(read_only=True, help_text="waiting | offered | booked | expired | left")
    treatment = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    location = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    practitioner = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    times = serializers.SerializerMethodField()
    offer = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = ["id", "status", "treatment", "area", "location", "practitioner", "earliest", "latest", "weekdays"]
        fields += ["times", "offer", "created_at"]

    @extend_schema_field(TimeWindowSerializer(many=True))
    def get_times(self, entry: Entry) -> list[dict[str, str]]:
        return [{"start": a, "end": b} for a, b in entry.times]

    @extend_schema_field(OfferSerializer(allow_null=True))
    def get_offer(self, entry: Entry) -> dict[str, Any] | None:
        offer = open_offer(entry)
        return OfferSerializer(offer).data if offer is not None else None


class JoinedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
