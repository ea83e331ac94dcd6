"""`GET /api/treatments/`: the public catalogue, shaped as DESIGN.md's API contract says."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from clinic.extensions import extension_fact
from treatments.models import Area, Treatment


class PriceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField(help_text="ISO 4217")
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=True)


class LocationPriceSerializer(PriceSerializer):
    location = serializers.SlugField()


class AreaSerializer(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()
    location_prices = serializers.SerializerMethodField()

    class Meta:
        model = Area
        fields = ["slug", "name", "minutes", "price", "location_prices"]

    def _prices(self, obj: Area) -> dict[str, Any]:
        # Filled by the app that keeps prices (billing) through clinic/extensions.py.
        prices = self.context.get("prices")
        if prices is None:
            prices = self.context["prices"] = extension_fact("treatments.area_prices", {}, treatments=None)
        return prices.get(obj.pk, {})

    @extend_schema_field(PriceSerializer(allow_null=True))
    def get_price(self, obj: Area) -> dict[str, str] | None:
        """One session on this area, VAT included, where no location has its own price; null: not priced."""
        return self._prices(obj).get("price")

    @extend_schema_field(LocationPriceSerializer(many=True))
    def get_location_prices(self, obj: Area) -> list[dict[str, str]]:
        """The locations whose price differs."""
        return self._prices(obj).get("location_prices", [])


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
