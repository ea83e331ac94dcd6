"""The billing API, included under /api/ by config/urls.py."""

from django.urls import path

from billing.api import views

urlpatterns = [
    path("invoices/", views.InvoiceListView.as_view(), name="api-invoices"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="api-invoice"),
]
