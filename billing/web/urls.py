"""Billing's pages: invoices, the patient's list, reception's till and the day's takings."""

from django.urls import path

from billing.web import invoices, online
from billing.web.patient import views as patient
from billing.web.reception import views as reception

urlpatterns = [
    path("invoices/<int:pk>/", invoices.invoice_page, name="invoice"),
    path("invoices/<int:pk>/invoice.pdf", invoices.invoice_pdf_download, name="invoice-pdf"),
    path("receipts/<int:pk>/", invoices.receipt_page, name="receipt"),
    path("me/invoices/", patient.my_invoices, name="my-invoices"),
    path("me/deposits/<int:pk>/pay/", online.deposit_pay, name="deposit-pay"),
    path("me/courses/<int:pk>/package/pay/", online.package_pay, name="package-pay"),
    path("billing/stripe/webhook/", online.provider_webhook, name="stripe-webhook"),
    path("staff/diary/appointments/<int:pk>/payments/", reception.till_pay, name="till-pay"),
    path("staff/diary/appointments/<int:pk>/waive/", reception.till_waive, name="till-waive"),
    path("staff/diary/appointments/<int:pk>/package/", reception.till_package, name="till-package"),
    path("staff/takings/<slug:location>/", reception.takings_page, name="takings"),
]
