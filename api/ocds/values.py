"""The values every part of a release uses: codes and codelist mappings, the ocid, dates, money, pruning."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from contracts.models import Contract, ContractDocument
from evaluations.models import Evaluation

OCDS_VERSION = "1.1"
CURRENCY = "CNY"
LANGUAGE = "zh"
# org-id.guide's scheme for the unified social credit code (统一社会信用代码, GB 32100-2015).
USCC_SCHEME = "CN-USCI"
# The purchase catalogue's first-level categories (政府购买服务指导性目录) as an item classification scheme.
CLASSIFICATION_SCHEME = "CN-GMFWML"

# Qiyue contract status -> OCDS contractStatus (closed codelist: pending, active, cancelled, terminated).
CONTRACT_STATUS = {
    Contract.Status.DRAFT: "pending",
    Contract.Status.SIGNED: "active",
    Contract.Status.PERFORMING: "active",
    Contract.Status.COMPLETED: "terminated",
    Contract.Status.TERMINATED: "terminated",
}

# Purchase method -> OCDS method (closed codelist: open, selective, limited, direct); the Chinese name goes to
# procurementMethodDetails.
PROCUREMENT_METHOD = {
    Contract.Method.PUBLIC_TENDER: "open",
    Contract.Method.INVITED_TENDER: "selective",
    Contract.Method.COMPETITIVE_NEGOTIATION: "limited",
    Contract.Method.COMPETITIVE_CONSULTATION: "limited",
    Contract.Method.INQUIRY: "limited",
    Contract.Method.SINGLE_SOURCE: "direct",
    # 其他 (e.g. entrustment after a comparison of candidates): the department chose whom to ask.
    Contract.Method.OTHER: "limited",
}

DOCUMENT_TYPE = {
    ContractDocument.Kind.CONTRACT_TEXT: "contractSigned",
    ContractDocument.Kind.ATTACHMENT: "contractAnnexe",
}

CLOSED_STATUSES = (Contract.Status.COMPLETED, Contract.Status.TERMINATED)

# Evaluation kind -> the Qiyue extension's PerformanceEvaluation.type.
EVALUATION_TYPE = {
    Evaluation.Kind.MID_TERM: "midTerm",
    Evaluation.Kind.FINAL: "final",
    Evaluation.Kind.ANNUAL: "annual",
}


def ocid(contract: Contract) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{contract.number}"


def day_start(day: datetime.date) -> str:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)).isoformat()


def day_end(day: datetime.date) -> str:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59))).isoformat()


def moment(value: datetime.datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def money(amount: Decimal) -> dict:
    return {"amount": float(amount), "currency": CURRENCY}


def period(start_on: datetime.date, end_on: datetime.date) -> dict:
    return {"startDate": day_start(start_on), "endDate": day_end(end_on)}


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def prune(value):
    """The value without None, empty strings, empty arrays and empty objects, at every depth."""
    if isinstance(value, dict):
        pruned = {key: prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        pruned = [prune(item) for item in value]
        return [item for item in pruned if item not in (None, "", [], {})]
    return value
