"""Checks several supervision services make the same way: dates not in the future, uploaded files, a contract named
beside an organization. Each adds coded refusals to the caller's `Refusals`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from core.services import Refusals
from core.uploads import UploadCheck, validate_upload
from registry.models import Organization


def check_not_future(refusals: Refusals, field: str, day: datetime.date | None, label: Any, today: datetime.date):
    """Refuse a day after today (`label`: the lazy name of the date, e.g. 检查日期)."""
    if day is not None and day > today:
        refusals.add(
            field,
            _("%(label)s %(day)s 晚于今天，不能登记将来的日期。"),
            code="date_in_future",
            label=label,
            day=day.isoformat(),
        )


def check_files(refusals: Refusals, field: str, files: Iterable, *, max_mb: int | None = None) -> list[UploadCheck]:
    """Validate each upload (core.uploads: type, content, size); the refusals land on `field`."""
    checks = []
    for file in files:
        try:
            checks.append(validate_upload(file, max_mb=max_mb))
        except ValidationError as error:
            refusals.extend(error, field=field)
    return checks


def check_contract(refusals: Refusals, field: str, contract: Contract | None, organization: Organization) -> None:
    """A contract named with an organization must be the organization's and signed."""
    if contract is None:
        return
    if contract.organization_id != organization.pk:
        refusals.add(
            field,
            _("合同 %(number)s 的承接主体不是“%(name)s”。"),
            code="contract_not_of_organization",
            number=contract.number,
            name=organization.name,
        )
    elif contract.is_draft:
        refusals.add(field, _("合同 %(number)s 尚未签订。"), code="contract_not_signed", number=contract.number)
