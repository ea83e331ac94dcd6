"""Forms of the patient's own appointment pages."""

from __future__ import annotations

from django import forms


class CancelForm(forms.Form):
    """The optional reason a patient gives for cancelling: text of at most 300 characters (the
    column's length), without the NUL characters the database refuses."""

    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Please keep the reason to 300 characters (it has %(show_value)d)."},
    )
