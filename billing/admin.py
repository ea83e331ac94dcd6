"""A clinic manager edits prices, VAT rates, deposit rules, the billing settings and each
location's details for invoices here. Invoices and payments are listed, never edited: the
services write them and nothing changes them after issue. Online refunds' requests to the
provider are listed too: a dead one was never sent and needs a manager."""

from django.contrib import admin

from billing.models import (
    BillingSettings,
    ClinicDetails,
    DepositRule,
    Invoice,
    Package,
    Payment,
    Price,
    ProviderEvent,
    RefundRequest,
    VatRate,
)
from clinic.admin_site.base import ReadOnlyAdmin, SingleRowAdmin


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ("name", "rate")


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ("treatment", "area", "location", "amount", "currency", "vat_rate")
    list_filter = ("treatment", "location")
    list_select_related = ("treatment", "area", "location", "vat_rate")


@admin.register(DepositRule)
class DepositRuleAdmin(admin.ModelAdmin):
    list_display = ("treatment", "kind", "value")


@admin.register(BillingSettings)
class BillingSettingsAdmin(SingleRowAdmin):
    list_display = ("__str__", "fee_cutoff_hours", "early_cancel", "package_discount_percent")


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    list_display = ("location", "legal_name", "vat_number", "invoice_prefix")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "location", "issued_at", "gross", "currency")
    list_filter = ("location", "kind")
    date_hierarchy = "issued_at"
    list_select_related = ("location",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("taken_at", "location", "kind", "method", "amount", "currency")
    list_filter = ("location", "method", "kind")
    date_hierarchy = "taken_at"
    list_select_related = ("location",)


@admin.register(Package)
class PackageAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "course", "sessions_used", "price", "currency", "status", "bought_at")
    list_filter = ("status",)
    list_select_related = ("course",)


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    """The payment provider's webhook events: an unprocessed one is waiting for what it is about."""

    list_display = ("event_id", "type", "about", "received_at", "processed_at")
    list_filter = ("type",)
    date_hierarchy = "received_at"


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnlyAdmin):
    """Online refunds on their way to the provider: a dead one was not sent (see its error) and
    the patient has not had the money back; pending ones are retried by the sweep."""

    list_display = (
        "refund_id",
        "status",
        "attempts",
        "created_at",
        "next_try_at",
        "sent_at",
        "provider_ref",
        "last_error",
    )
    list_filter = ("status",)
    date_hierarchy = "created_at"
