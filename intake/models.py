"""Intake questionnaire, consent and screening (see the intake issue)."""
