"""The clinic's own pages: health check, favicon and the staff landing page."""

from django.urls import path

from clinic import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/audit/", views.audit_trail, name="audit-trail"),
]
