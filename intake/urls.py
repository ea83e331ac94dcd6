"""Filled in by the intake pages."""

urlpatterns: list = []
