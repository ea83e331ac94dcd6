"""`GET /api/invoices/` and `/api/invoices/{id}/`: a patient's own (staff: their locations')."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.access import get_invoice_for, invoices_visible_to
from billing.api.serializers import InvoiceDetailSerializer, InvoiceSerializer
from billing.selectors import invoice_payments


class InvoiceListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InvoiceSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Invoices and credit notes, newest first (at most 500)."""
        invoices = invoices_visible_to(request.user).prefetch_related("lines")[:500]
        return Response(InvoiceSerializer(invoices, many=True).data)


class InvoiceDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InvoiceDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        invoice = get_invoice_for(request.user, pk)
        context = {"payments": invoice_payments(invoice)}
        return Response(InvoiceDetailSerializer(invoice, context=context).data)
