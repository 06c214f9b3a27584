"""Decimal input (amounts, budgets, shares, scores) on every form and API field read the same way: full-width digits
are normalized deliberately, other scripts' digits refused (core.formatting.ascii_number_text).

Django's forms.DecimalField and DRF's DecimalField both hand the text to Python's Decimal, which reads any Unicode
digit ("٣" as 3); `install()` (called once from CoreConfig.ready) puts ascii_number_text in front of both, so no
form or serializer can forget it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import fields as drf_fields

from core.formatting import ascii_number_text


def install() -> None:
    if getattr(forms.DecimalField.to_python, "qiyue_ascii_digits", False):
        return
    form_to_python = forms.DecimalField.to_python
    drf_to_internal = drf_fields.DecimalField.to_internal_value

    def to_python(self, value):
        if isinstance(value, str):
            try:
                value = ascii_number_text(value)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return form_to_python(self, value)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = ascii_number_text(data)
            except ValueError:
                self.fail("invalid")
        return drf_to_internal(self, data)

    to_python.qiyue_ascii_digits = True
    forms.DecimalField.to_python = to_python
    drf_fields.DecimalField.to_internal_value = to_internal_value
