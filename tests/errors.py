"""Asserting refusals by their codes: services raise coded errors (core.services), tests check the codes."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


def codes(error: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    """{field (or "__all__"): [codes]} of a ValidationError; {"__all__": [code]} of a coded PermissionDenied."""
    if isinstance(error, PermissionDenied):
        return {NON_FIELD_ERRORS: [getattr(error, "code", "permission_denied")]}
    if hasattr(error, "error_dict"):
        return {field: [item.code for item in items] for field, items in error.error_dict.items()}
    return {NON_FIELD_ERRORS: [item.code for item in error.error_list]}


def all_codes(error: ValidationError | PermissionDenied) -> set[str]:
    """Every code the error carries, whatever field it is on."""
    return {code for field_codes in codes(error).values() for code in field_codes}
