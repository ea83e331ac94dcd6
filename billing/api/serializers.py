from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import Invoice, InvoiceLine, Payment


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity", "unit_gross", "vat_rate", "net", "vat", "gross"]


class InvoicePaymentSerializer(serializers.ModelSerializer):
    # Plain strings: a choice field named "kind" here would collide with the appointment's "kind"
    # enum in the schema.
    kind = serializers.CharField(help_text="payment or refund")

    class Meta:
        model = Payment
        fields = ["kind", "method", "amount", "currency", "taken_at"]


class SellerSerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()
    vat_number = serializers.CharField()


class InvoiceSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="invoice or credit_note")
    number = serializers.CharField(source="display_number")
    location = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    credits = serializers.IntegerField(source="credits_id", allow_null=True)
    appointment = serializers.IntegerField(source="appointment_id", allow_null=True)
    seller = serializers.SerializerMethodField()
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "credits",
            "location",
            "appointment",
            "issued_at",
            "currency",
            "net",
            "vat",
            "gross",
            "seller",
            "buyer_name",
            "lines",
        ]
        read_only_fields = fields

    @extend_schema_field(SellerSerializer)
    def get_seller(self, obj: Invoice) -> dict[str, str]:
        return {"name": obj.seller_name, "address": obj.seller_address, "vat_number": obj.seller_vat_number}


class InvoiceDetailSerializer(InvoiceSerializer):
    payments = serializers.SerializerMethodField()

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "payments"]
        read_only_fields = fields

    @extend_schema_field(InvoicePaymentSerializer(many=True))
    def get_payments(self, obj: Invoice) -> list[dict]:
        """The payments and refunds of the invoice's visit."""
        return InvoicePaymentSerializer(self.context["payments"], many=True).data
