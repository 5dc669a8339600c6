"""What every page form shares: a service's refusal shown on the form it came from (every bad input a form error)."""

from django import forms
from django.core.exceptions import ValidationError


def apply_service_error(form: forms.Form, error: ValidationError, field: str | None = None) -> None:
    """Show a service's ``ValidationError`` on the form: per field where the service named one the form has."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)
