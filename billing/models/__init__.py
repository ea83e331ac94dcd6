from billing.models.invoices import ClinicDetails, Invoice, InvoiceCounter, InvoiceLine
from billing.models.payments import Deposit, Payment
from billing.models.prices import BillingSettings, DepositRule, Price, VatRate

__all__ = [
    "BillingSettings",
    "ClinicDetails",
    "Deposit",
    "DepositRule",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "Payment",
    "Price",
    "VatRate",
]
