"""`GET /api/treatments/`: the public catalogue, shaped as DESIGN.md's API contract says."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from treatments.models import Area, Treatment


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["slug", "name", "minutes"]


class RangeSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    default = serializers.IntegerField()
    max = serializers.IntegerField()


class TreatmentSerializer(serializers.ModelSerializer):
    areas = AreaSerializer(many=True, read_only=True)
    sessions = serializers.SerializerMethodField()
    interval_days = serializers.SerializerMethodField()

    class Meta:
        model = Treatment
        fields = ["slug", "name", "indication", "areas", "sessions", "interval_days", "maintenance_every_days"]

    @extend_schema_field(RangeSerializer)
    def get_sessions(self, obj: Treatment) -> dict[str, int]:
        return {"min": obj.sessions_min, "default": obj.sessions_default, "max": obj.sessions_max}

    @extend_schema_field(RangeSerializer)
    def get_interval_days(self, obj: Treatment) -> dict[str, int]:
        return {"min": obj.interval_min_days, "default": obj.interval_default_days, "max": obj.interval_max_days}


class TreatmentListView(generics.ListAPIView):
    """The treatments the clinic offers, with areas (minutes each) and protocol ranges."""

    serializer_class = TreatmentSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[Treatment]:
        return Treatment.objects.active().prefetch_related("areas")
