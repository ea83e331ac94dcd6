from billing.models.invoices import ClinicDetails, Invoice, InvoiceCounter, InvoiceLine
from billing.models.packages import Package
from billing.models.payments import Deposit, Payment, ProviderEvent
from billing.models.prices import BillingSettings, DepositRule, Price, VatRate
from billing.models.refunds import RefundRequest

__all__ = [
    "BillingSettings",
    "ClinicDetails",
    "Deposit",
    "DepositRule",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "Package",
    "Payment",
    "Price",
    "ProviderEvent",
    "RefundRequest",
    "VatRate",
]
